package io.portcullis.repository;

import io.portcullis.shared.Glob;
import io.portcullis.shared.RepositoryScope;
import io.portcullis.shared.Tag;
import java.time.Instant;

/**
 * Tags matching {@code pattern} (a glob) in the repositories of {@code scope} keep their manifest for
 * good: moving or deleting them is refused, as for a repository with {@code immutableTags} on.
 */
public record ImmutabilityRule(long id, RepositoryScope scope, String pattern, Instant createdAt, String createdBy) {
  /** Longest pattern accepted. */
  public static final int MAX_PATTERN = 128;

  public boolean covers(Tag tag) {
    return Glob.compile(pattern).matcher(tag.value()).matches();
  }

  /** How refusals name the rule. */
  public String describe() {
    return "immutability rule " + id + " (tags '" + pattern + "' in " + scope + ")";
  }
}
