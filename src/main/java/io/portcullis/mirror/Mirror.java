package io.portcullis.mirror;

import io.portcullis.mirror.upstream.Upstream;
import io.portcullis.shared.RepositoryName;
import java.time.Duration;
import java.time.Instant;

/**
 * A pull mirror: copies tags of an upstream repository into a local one.
 *
 * @param registry    the upstream registry as configured ({@code docker.io}, {@code https://ghcr.io})
 * @param repository  the upstream repository as configured ({@code alpine}, {@code library/alpine})
 * @param username    upstream user name; null for anonymous access
 * @param hasPassword whether an upstream password is stored (it is never read back out)
 */
public record Mirror(long id, RepositoryName target, String registry, String repository, Duration interval,
    boolean enabled, TagFilter tags, PlatformFilter platforms, TagTemplate tagTemplate, String username,
    boolean hasPassword, Instant createdAt, String createdBy, Instant updatedAt) {
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(15);
  public static final Duration MIN_INTERVAL = Duration.ofMinutes(1);

  /** Where it copies from, Docker Hub's names resolved. */
  public Upstream upstream() {
    return Upstream.of(registry, repository);
  }

  /** The name of its schedule and the subject of its jobs. */
  public String scheduleName() {
    return scheduleName(id);
  }

  static String scheduleName(long id) {
    return MirrorService.SCHEDULE_PREFIX + id;
  }
}
