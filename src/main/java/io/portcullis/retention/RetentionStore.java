package io.portcullis.retention;

import io.portcullis.metadata.Tx;
import io.portcullis.shared.RepositoryName;
import java.util.Optional;

/** Where pruning policies are kept: one per repository. */
public interface RetentionStore {
  Optional<RetentionPolicy> find(Tx tx, RepositoryName repository);

  /** Inserts or replaces the repository's policy. */
  void put(Tx tx, RetentionPolicy policy);

  boolean delete(Tx tx, RepositoryName repository);
}
