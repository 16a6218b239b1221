package io.portcullis.identity.jdbc;

import io.portcullis.identity.AccessGrantStore;
import io.portcullis.identity.RepositoryLevel;
import io.portcullis.metadata.Tx;
import java.util.HashMap;
import java.util.Map;

/** {@link AccessGrantStore} in the {@code team_repository_permissions} and {@code user_repository_grants} tables. */
public final class JdbcAccessGrantStore implements AccessGrantStore {
  @Override
  public Map<String, RepositoryLevel> levels(Tx tx, String username) {
    Map<String, RepositoryLevel> levels = new HashMap<>();
    tx.handle().createQuery("SELECT p.repository, p.level FROM team_members m JOIN team_repository_permissions p"
            + " ON p.organization = m.organization AND p.team = m.team WHERE m.username = :user"
            + " UNION ALL SELECT repository, level FROM user_repository_grants WHERE username = :user")
        .bind("user", username)
        .map((rs, ctx) -> Map.entry(rs.getString(1), RepositoryLevel.fromWireName(rs.getString(2))))
        .forEach(e -> levels.merge(e.getKey(), e.getValue(), RepositoryLevel::max));
    return Map.copyOf(levels);
  }

  @Override
  public void deleteUserGrantsIn(Tx tx, String namespace) {
    // Names are lower-case letters, digits and separators, none of which LIKE treats specially.
    tx.handle().createUpdate("DELETE FROM user_repository_grants WHERE repository LIKE ?").bind(0, namespace + "/%")
        .execute();
  }
}
