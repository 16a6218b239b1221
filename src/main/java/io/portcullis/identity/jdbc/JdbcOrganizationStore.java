package io.portcullis.identity.jdbc;

import io.portcullis.identity.Organization;
import io.portcullis.identity.OrganizationStore;
import io.portcullis.metadata.Tx;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.mapper.RowMapper;

/** {@link OrganizationStore} in the {@code organizations} and {@code organization_admins} tables. */
public final class JdbcOrganizationStore implements OrganizationStore {
  private static final RowMapper<Organization> MAPPER = (rs, ctx) -> new Organization(
      rs.getString("name"), rs.getString("description"), Rows.instant(rs, "created_at"));

  @Override
  public void insert(Tx tx, String name, String description, long createdAt) {
    tx.handle().createUpdate("INSERT INTO organizations(name, description, created_at) VALUES (?, ?, ?)")
        .bind(0, name).bind(1, description).bind(2, createdAt).execute();
  }

  @Override
  public Optional<Organization> find(Tx tx, String name) {
    return tx.handle().createQuery("SELECT name, description, created_at FROM organizations WHERE name = ?")
        .bind(0, name).map(MAPPER).findOne();
  }

  @Override
  public boolean exists(Tx tx, String name) {
    return Rows.exists(tx.handle(), "SELECT 1 FROM organizations WHERE name = ?", name);
  }

  @Override
  public List<Organization> page(Tx tx, String after, int limit, String visibleTo) {
    String visible = visibleTo == null ? "" : " AND name IN (SELECT organization FROM organization_admins"
        + " WHERE username = :user UNION SELECT organization FROM team_members WHERE username = :user)";
    return tx.handle().createQuery("SELECT name, description, created_at FROM organizations WHERE name > :after"
            + visible + " ORDER BY name LIMIT :limit")
        .bind("after", after == null ? "" : after).bind("user", visibleTo).bind("limit", limit)
        .map(MAPPER).list();
  }

  @Override
  public void updateDescription(Tx tx, String name, String description) {
    tx.handle().createUpdate("UPDATE organizations SET description = ? WHERE name = ?").bind(0, description)
        .bind(1, name).execute();
  }

  @Override
  public void delete(Tx tx, String name) {
    // Admins, teams (with their members, permissions and mappings) and robots (with their grants) cascade.
    tx.handle().createUpdate("DELETE FROM organizations WHERE name = ?").bind(0, name).execute();
  }

  @Override
  public boolean addAdmin(Tx tx, String organization, String username) {
    return tx.handle().createUpdate("INSERT INTO organization_admins(organization, username) VALUES (?, ?)"
            + " ON CONFLICT (organization, username) DO NOTHING")
        .bind(0, organization).bind(1, username).execute() == 1;
  }

  @Override
  public boolean removeAdmin(Tx tx, String organization, String username) {
    return tx.handle().createUpdate("DELETE FROM organization_admins WHERE organization = ? AND username = ?")
        .bind(0, organization).bind(1, username).execute() > 0;
  }

  @Override
  public List<String> admins(Tx tx, String organization) {
    return tx.handle().createQuery("SELECT username FROM organization_admins WHERE organization = ? ORDER BY username")
        .bind(0, organization).mapTo(String.class).list();
  }

  @Override
  public Set<String> administeredBy(Tx tx, String username) {
    return Set.copyOf(tx.handle().createQuery("SELECT organization FROM organization_admins WHERE username = ?")
        .bind(0, username).mapTo(String.class).list());
  }

  @Override
  public boolean isAdminOrTeamMember(Tx tx, String organization, String username) {
    return Rows.exists(tx.handle(), "SELECT 1 FROM organization_admins WHERE organization = ? AND username = ?"
        + " UNION SELECT 1 FROM team_members WHERE organization = ? AND username = ?",
        organization, username, organization, username);
  }
}
