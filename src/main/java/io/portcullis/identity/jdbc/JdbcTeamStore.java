package io.portcullis.identity.jdbc;

import io.portcullis.identity.GroupMapping;
import io.portcullis.identity.Team;
import io.portcullis.identity.TeamMember;
import io.portcullis.identity.TeamRole;
import io.portcullis.identity.TeamStore;
import io.portcullis.metadata.Tx;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** {@link TeamStore} in the {@code teams}, {@code team_members} and {@code external_group_mappings} tables. */
public final class JdbcTeamStore implements TeamStore {
  private static final RowMapper<Team> MAPPER = (rs, ctx) -> new Team(rs.getString("organization"),
      rs.getString("name"), rs.getString("description"), Rows.instant(rs, "created_at"));
  private static final RowMapper<GroupMapping> MAPPING = (rs, ctx) -> new GroupMapping(rs.getString("group_name"),
      rs.getString("organization"), rs.getString("team"));

  @Override
  public boolean insert(Tx tx, String organization, String name, String description, long createdAt) {
    return tx.handle().createUpdate("INSERT INTO teams(organization, name, description, created_at)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT (organization, name) DO NOTHING")
        .bind(0, organization).bind(1, name).bind(2, description).bind(3, createdAt).execute() == 1;
  }

  @Override
  public Optional<Team> find(Tx tx, String organization, String name) {
    return tx.handle().createQuery(
            "SELECT organization, name, description, created_at FROM teams WHERE organization = ? AND name = ?")
        .bind(0, organization).bind(1, name).map(MAPPER).findOne();
  }

  @Override
  public boolean exists(Tx tx, String organization, String name) {
    return Rows.exists(tx.handle(), "SELECT 1 FROM teams WHERE organization = ? AND name = ?", organization, name);
  }

  @Override
  public List<Team> list(Tx tx, String organization) {
    return tx.handle().createQuery("SELECT organization, name, description, created_at FROM teams"
            + " WHERE organization = ? ORDER BY name")
        .bind(0, organization).map(MAPPER).list();
  }

  @Override
  public void updateDescription(Tx tx, String organization, String name, String description) {
    tx.handle().createUpdate("UPDATE teams SET description = ? WHERE organization = ? AND name = ?")
        .bind(0, description).bind(1, organization).bind(2, name).execute();
  }

  @Override
  public void delete(Tx tx, String organization, String name) {
    // Memberships, repository permissions and group mappings cascade.
    tx.handle().createUpdate("DELETE FROM teams WHERE organization = ? AND name = ?").bind(0, organization)
        .bind(1, name).execute();
  }

  @Override
  public int countMembers(Tx tx, String organization, String team) {
    return tx.handle().createQuery("SELECT COUNT(*) FROM team_members WHERE organization = ? AND team = ?")
        .bind(0, organization).bind(1, team).mapTo(Integer.class).one();
  }

  @Override
  public void putMember(Tx tx, String organization, String team, String username, TeamRole role) {
    tx.handle().createUpdate("INSERT INTO team_members(organization, team, username, role, synced)"
            + " VALUES (?, ?, ?, ?, FALSE)"
            + " ON CONFLICT (organization, team, username) DO UPDATE SET role = excluded.role, synced = FALSE")
        .bind(0, organization).bind(1, team).bind(2, username).bind(3, role.wireName()).execute();
  }

  @Override
  public boolean removeMember(Tx tx, String organization, String team, String username) {
    return tx.handle().createUpdate("DELETE FROM team_members WHERE organization = ? AND team = ? AND username = ?")
        .bind(0, organization).bind(1, team).bind(2, username).execute() > 0;
  }

  @Override
  public List<TeamMember> members(Tx tx, String organization, String team) {
    return tx.handle().createQuery("SELECT username, role, synced FROM team_members"
            + " WHERE organization = ? AND team = ? ORDER BY username")
        .bind(0, organization).bind(1, team)
        .map((rs, ctx) -> new TeamMember(rs.getString(1), TeamRole.fromWireName(rs.getString(2)), rs.getBoolean(3)))
        .list();
  }

  @Override
  public Optional<TeamRole> role(Tx tx, String organization, String team, String username) {
    return tx.handle().createQuery(
            "SELECT role FROM team_members WHERE organization = ? AND team = ? AND username = ?")
        .bind(0, organization).bind(1, team).bind(2, username).mapTo(String.class).findOne()
        .map(TeamRole::fromWireName);
  }

  @Override
  public void replaceSyncedMemberships(Tx tx, String username, Set<Key> teams) {
    Handle h = tx.handle();
    List<Key> synced = h.createQuery("SELECT organization, team FROM team_members WHERE username = ? AND synced = TRUE")
        .bind(0, username).map((rs, ctx) -> new Key(rs.getString(1), rs.getString(2))).list();
    for (Key team : synced) {
      if (!teams.contains(team)) {
        h.createUpdate("DELETE FROM team_members WHERE organization = ? AND team = ? AND username = ?")
            .bind(0, team.organization()).bind(1, team.team()).bind(2, username).execute();
      }
    }
    for (Key team : teams) {
      h.createUpdate("INSERT INTO team_members(organization, team, username, role, synced)"
              + " VALUES (?, ?, ?, 'member', TRUE) ON CONFLICT (organization, team, username) DO NOTHING")
          .bind(0, team.organization()).bind(1, team.team()).bind(2, username).execute();
    }
  }

  @Override
  public boolean insertMapping(Tx tx, GroupMapping mapping) {
    return tx.handle().createUpdate("INSERT INTO external_group_mappings(group_name, organization, team)"
            + " VALUES (?, ?, ?) ON CONFLICT (group_name, organization, team) DO NOTHING")
        .bind(0, mapping.group()).bind(1, mapping.organization()).bind(2, mapping.team()).execute() == 1;
  }

  @Override
  public boolean deleteMapping(Tx tx, GroupMapping mapping) {
    return tx.handle().createUpdate(
            "DELETE FROM external_group_mappings WHERE group_name = ? AND organization = ? AND team = ?")
        .bind(0, mapping.group()).bind(1, mapping.organization()).bind(2, mapping.team()).execute() > 0;
  }

  @Override
  public List<GroupMapping> mappings(Tx tx) {
    return tx.handle().createQuery("SELECT group_name, organization, team FROM external_group_mappings"
            + " ORDER BY group_name, organization, team")
        .map(MAPPING).list();
  }
}
