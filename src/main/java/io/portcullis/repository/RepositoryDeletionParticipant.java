package io.portcullis.repository;

import io.portcullis.metadata.Tx;
import io.portcullis.shared.RepositoryName;

/**
 * A domain's part in deleting a repository: what it keeps about the repository (content, grants,
 * results) goes in the transaction that deletes the repository and records {@code repository.deleted},
 * so a deletion happens entirely or not at all. What a replica caches about the repository is dropped
 * through {@link Tx#afterCommit}. Participants are added by the composition root.
 */
@FunctionalInterface
public interface RepositoryDeletionParticipant {
  /** Removes what this domain keeps about the repository, inside the deletion's transaction. */
  void onDelete(Tx tx, RepositoryName repository);
}
