package io.portcullis.identity.jdbc;

import io.portcullis.identity.AccessGrantStore;
import io.portcullis.identity.RepositoryLevel;
import io.portcullis.identity.TeamPermission;
import io.portcullis.identity.UserGrant;
import io.portcullis.metadata.Tx;
import java.util.HashMap;
import java.util.List;
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

  @Override
  public void putTeamPermission(Tx tx, String organization, String team, String repository, RepositoryLevel level) {
    tx.handle().createUpdate("INSERT INTO team_repository_permissions(organization, team, repository, level)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT (organization, team, repository) DO UPDATE SET level = excluded.level")
        .bind(0, organization).bind(1, team).bind(2, repository).bind(3, level.wireName()).execute();
  }

  @Override
  public boolean deleteTeamPermission(Tx tx, String organization, String team, String repository) {
    return tx.handle().createUpdate(
            "DELETE FROM team_repository_permissions WHERE organization = ? AND team = ? AND repository = ?")
        .bind(0, organization).bind(1, team).bind(2, repository).execute() > 0;
  }

  @Override
  public List<TeamPermission> teamPermissions(Tx tx, String organization, String team) {
    return tx.handle().createQuery("SELECT repository, level FROM team_repository_permissions"
            + " WHERE organization = ? AND team = ? ORDER BY repository")
        .bind(0, organization).bind(1, team)
        .map((rs, ctx) -> new TeamPermission(organization, team, rs.getString(1),
            RepositoryLevel.fromWireName(rs.getString(2))))
        .list();
  }

  @Override
  public List<TeamPermission> teamPermissionsOn(Tx tx, String repository) {
    return tx.handle().createQuery("SELECT organization, team, level FROM team_repository_permissions"
            + " WHERE repository = ? ORDER BY organization, team")
        .bind(0, repository)
        .map((rs, ctx) -> new TeamPermission(rs.getString(1), rs.getString(2), repository,
            RepositoryLevel.fromWireName(rs.getString(3))))
        .list();
  }

  @Override
  public void putUserGrant(Tx tx, String username, String repository, RepositoryLevel level) {
    tx.handle().createUpdate("INSERT INTO user_repository_grants(username, repository, level) VALUES (?, ?, ?)"
            + " ON CONFLICT (username, repository) DO UPDATE SET level = excluded.level")
        .bind(0, username).bind(1, repository).bind(2, level.wireName()).execute();
  }

  @Override
  public boolean deleteUserGrant(Tx tx, String username, String repository) {
    return tx.handle().createUpdate("DELETE FROM user_repository_grants WHERE username = ? AND repository = ?")
        .bind(0, username).bind(1, repository).execute() > 0;
  }

  @Override
  public List<UserGrant> userGrants(Tx tx, String repository) {
    return tx.handle().createQuery(
            "SELECT username, level FROM user_repository_grants WHERE repository = ? ORDER BY username")
        .bind(0, repository)
        .map((rs, ctx) -> new UserGrant(rs.getString(1), repository, RepositoryLevel.fromWireName(rs.getString(2))))
        .list();
  }

  @Override
  public void deleteGrantsOn(Tx tx, String repository) {
    for (String table : List.of("team_repository_permissions", "user_repository_grants")) {
      tx.handle().createUpdate("DELETE FROM " + table + " WHERE repository = ?").bind(0, repository).execute();
    }
  }
}
