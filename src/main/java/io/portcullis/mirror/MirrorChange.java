package io.portcullis.mirror;

import io.portcullis.mirror.upstream.UpstreamClient;
import java.time.Duration;

/**
 * Settings of a mirror to create it with or to change; a null setting stays as it is (or takes its
 * default on creation).
 *
 * @param repositoryFilter    a namespace mirror's repository glob; {@code ""} removes it
 * @param replacesCredentials whether {@code credentials} replace the stored ones (null: anonymous)
 */
public record MirrorChange(String registry, String repository, String repositoryFilter, Duration interval, Boolean enabled, TagFilter tags,
    PlatformFilter platforms, TagTemplate tagTemplate, boolean replacesCredentials,
    UpstreamClient.Credentials credentials) {
  public MirrorChange {
    if (!replacesCredentials && credentials != null) {
      throw new IllegalArgumentException("credentials are given only to replace the stored ones");
    }
    if (interval != null && interval.compareTo(Mirror.MIN_INTERVAL) < 0) {
      throw MirrorException.invalid("the interval must be at least " + Mirror.MIN_INTERVAL.toMinutes() + " minute");
    }
    if (repositoryFilter != null && repositoryFilter.length() > TagFilter.MAX_EXPRESSION) {
      throw MirrorException.invalid("the repository filter must be at most " + TagFilter.MAX_EXPRESSION
          + " characters");
    }
    if (credentials != null && (credentials.username() == null || credentials.username().isBlank()
        || credentials.password() == null || credentials.password().isEmpty())) {
      throw MirrorException.invalid("upstream credentials need both a username and a password");
    }
  }

  /** The mirror with these settings over its current ones (credentials aside). */
  Mirror applyTo(Mirror m, java.time.Instant at) {
    String filter = repositoryFilter == null ? m.repositoryFilter()
        : repositoryFilter.isBlank() ? null : repositoryFilter.strip();
    return new Mirror(m.id(), m.direction(), m.target(), registry == null ? m.registry() : registry,
        repository == null ? m.repository() : repository, m.namespace(), filter,
        interval == null ? m.interval() : interval,
        enabled == null ? m.enabled() : enabled, tags == null ? m.tags() : tags,
        platforms == null ? m.platforms() : platforms, tagTemplate == null ? m.tagTemplate() : tagTemplate,
        replacesCredentials ? (credentials == null ? null : credentials.username()) : m.username(),
        replacesCredentials ? credentials != null : m.hasPassword(), m.createdAt(), m.createdBy(), at);
  }
}
