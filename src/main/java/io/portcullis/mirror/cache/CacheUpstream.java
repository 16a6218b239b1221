package io.portcullis.mirror.cache;

import io.portcullis.mirror.upstream.Upstream;

/**
 * One upstream of a cache.
 *
 * @param registry    the registry as configured ({@code docker.io}, {@code https://ghcr.io})
 * @param prefix      upstream path put before the local path ({@code myorg} makes {@code cache/app} ask for
 *                    {@code myorg/app}); null for none
 * @param username    upstream user name; null for anonymous access
 * @param hasPassword whether an upstream password is stored (it is never read back out)
 */
public record CacheUpstream(String registry, String prefix, String username, boolean hasPassword) {
  /**
   * Where {@code path} (the local path below the cache's namespace) lives upstream, Docker Hub's names
   * applied: on Docker Hub {@code alpine} without a prefix is {@code library/alpine}.
   *
   * @throws IllegalArgumentException when the registry or the resulting repository is not valid
   */
  public Upstream upstream(String path) {
    return Upstream.of(registry, prefix == null ? path : prefix + "/" + path);
  }
}
