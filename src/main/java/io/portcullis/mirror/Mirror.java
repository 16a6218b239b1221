package io.portcullis.mirror;

import io.portcullis.mirror.upstream.Upstream;
import io.portcullis.shared.Glob;
import io.portcullis.shared.RepositoryName;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A mirror: a pull mirror copies tags of an upstream repository (or of every repository under an
 * upstream namespace) into a local one; a push mirror copies tags of a local repository to a
 * repository of another registry.
 *
 * @param direction        which way content goes
 * @param target           the local side: the repository copied into (pull), the namespace copied into
 *                         (a namespace pull mirror: {@code hub} holds {@code hub/<rest of the name>}),
 *                         or the repository copied from (push)
 * @param registry         the remote registry as configured ({@code docker.io}, {@code https://ghcr.io})
 * @param repository       the remote repository as configured ({@code alpine}, {@code library/alpine}),
 *                         or the upstream namespace of a namespace mirror ({@code bitnami})
 * @param namespace        whether {@code repository} is a namespace whose every repository is mirrored
 * @param repositoryFilter a namespace mirror's glob over the rest of upstream names ({@code redis*});
 *                         null for every repository
 * @param username         remote user name; null for anonymous access
 * @param hasPassword      whether a remote password is stored (it is never read back out)
 */
public record Mirror(long id, Direction direction, RepositoryName target, String registry, String repository,
    boolean namespace, String repositoryFilter, Duration interval, boolean enabled, TagFilter tags,
    PlatformFilter platforms, TagTemplate tagTemplate, String username, boolean hasPassword, Instant createdAt,
    String createdBy, Instant updatedAt) {
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(15);
  public static final Duration MIN_INTERVAL = Duration.ofMinutes(1);

  /** Which way a mirror copies; the wire names are those of the API. */
  public enum Direction {
    PULL, PUSH;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** @throws IllegalArgumentException for a name that is neither {@code pull} nor {@code push} */
    public static Direction fromWireName(String name) {
      return switch (name) {
        case "pull" -> PULL;
        case "push" -> PUSH;
        default -> throw new IllegalArgumentException("direction must be pull or push, not '" + name + "'");
      };
    }
  }

  /**
   * The remote side, Docker Hub's names resolved: where a pull mirror copies from, where a push mirror
   * copies to; for a namespace mirror, the registry with the namespace as its repository.
   */
  public Upstream upstream() {
    return Upstream.of(registry, repository);
  }

  public boolean isPush() {
    return direction == Direction.PUSH;
  }

  /**
   * The local repository an upstream repository of a namespace mirror is copied into ({@code
   * bitnami/redis} → {@code hub/redis}); empty when it is not under the namespace, the filter leaves it
   * out, or the local name would not be a repository name.
   */
  public Optional<RepositoryName> localFor(String upstreamRepository) {
    String prefix = upstream().repository() + "/";
    if (!namespace || !upstreamRepository.startsWith(prefix)) {
      return Optional.empty();
    }
    String rest = upstreamRepository.substring(prefix.length());
    if (rest.isEmpty() || (repositoryFilter != null && !Glob.compile(repositoryFilter).matcher(rest).matches())) {
      return Optional.empty();
    }
    String local = target.value() + "/" + rest;
    return RepositoryName.isValid(local) ? Optional.of(RepositoryName.of(local)) : Optional.empty();
  }

  /** The name of its schedule and the subject of its jobs. */
  public String scheduleName() {
    return scheduleName(id);
  }

  static String scheduleName(long id) {
    return MirrorService.SCHEDULE_PREFIX + id;
  }
}
