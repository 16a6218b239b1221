package io.portcullis.identity;

import io.portcullis.metadata.Tx;
import java.util.Map;

/** What users hold on repositories: through their teams' permissions and by direct grants. */
public interface AccessGrantStore {
  /** The highest level the user holds on each repository, through teams and direct grants together. */
  Map<String, RepositoryLevel> levels(Tx tx, String username);

  /** Removes the direct user grants on every repository in {@code namespace}. */
  void deleteUserGrantsIn(Tx tx, String namespace);
}
