package io.portcullis.identity.jdbc;

import io.portcullis.identity.RepositoryGrantStore;
import io.portcullis.metadata.Tx;
import io.portcullis.shared.RepositoryName;
import java.util.List;

/** Grants in {@code team_repository_permissions}, {@code user_repository_grants}, {@code robot_repository_grants}. */
public final class JdbcRepositoryGrantStore implements RepositoryGrantStore {
  private static final List<String> TABLES = List.of("team_repository_permissions", "user_repository_grants",
      "robot_repository_grants");

  @Override
  public void deleteGrants(Tx tx, RepositoryName repository) {
    for (String table : TABLES) {
      tx.handle().createUpdate("DELETE FROM " + table + " WHERE repository = ?").bind(0, repository.value()).execute();
    }
  }
}
