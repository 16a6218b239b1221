package io.portcullis.scan;

import io.portcullis.metadata.Tx;
import io.portcullis.shared.RepositoryName;

/**
 * The scan results a repository's deletion takes with it. Results are kept by manifest digest, shared by
 * every repository holding that manifest, so only those no other repository holds go.
 */
public interface RepositoryScanStore {
  /**
   * Deletes the results of the repository's manifests that no other repository holds; runs in the
   * deletion's transaction, before the repository's manifests are removed.
   */
  void deleteResultsHeldOnlyBy(Tx tx, RepositoryName repository);
}
