package io.portcullis.identity;

import io.portcullis.metadata.Tx;
import io.portcullis.shared.RepositoryName;

/** Where the grants on repositories are kept: team permissions, direct user grants, robot grants. */
public interface RepositoryGrantStore {
  /** Deletes every team permission, user grant and robot grant on the repository's name. */
  void deleteGrants(Tx tx, RepositoryName repository);
}
