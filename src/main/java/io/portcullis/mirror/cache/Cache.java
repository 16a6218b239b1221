package io.portcullis.mirror.cache;

import io.portcullis.shared.RepositoryName;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A pull-through cache: every repository of {@code namespace} is filled on demand from the first of
 * {@code upstreams} that has what a client asks for.
 *
 * @param freshness how long a cached tag is served without asking an upstream whether it moved
 */
public record Cache(long id, String namespace, Duration freshness, List<CacheUpstream> upstreams, Instant createdAt,
    String createdBy, Instant updatedAt) {
  public static final Duration DEFAULT_FRESHNESS = Duration.ofMinutes(10);
  public static final Duration MAX_FRESHNESS = Duration.ofDays(30);
  public static final int MAX_UPSTREAMS = 8;

  public Cache {
    upstreams = List.copyOf(upstreams);
  }

  /** Whether the repository is one of this cache's (the namespace itself is not a repository of it). */
  public boolean covers(RepositoryName repository) {
    return repository.value().startsWith(namespace + "/");
  }

  /** The repository's path below the namespace: what is asked of the upstreams. */
  public String upstreamPath(RepositoryName repository) {
    return repository.value().substring(namespace.length() + 1);
  }
}
