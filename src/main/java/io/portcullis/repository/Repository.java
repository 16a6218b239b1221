package io.portcullis.repository;

import io.portcullis.shared.RepositoryName;
import java.time.Instant;

/**
 * A repository and its settings.
 *
 * @param visibility    who may pull it
 * @param description   free text, or null
 * @param scanOnPush    whether every manifest pushed to it is scanned (on by default)
 * @param immutableTags whether a pushed tag keeps its manifest for good: moving it to another manifest,
 *                      deleting it, or deleting the manifest it points at is refused (off by default)
 */
public record Repository(RepositoryName name, Visibility visibility, String description, boolean scanOnPush,
    boolean immutableTags, Instant createdAt) {

  /** A new repository with the default settings: private, no description, scanned on push, tags mutable. */
  static Repository withDefaults(RepositoryName name, Instant createdAt) {
    return new Repository(name, Visibility.PRIVATE, null, true, false, createdAt);
  }
}
