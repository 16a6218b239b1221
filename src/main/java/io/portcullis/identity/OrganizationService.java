package io.portcullis.identity;

import io.portcullis.auth.Principal;
import io.portcullis.events.EventType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Organizations and their administrators. System administrators create and delete organizations;
 * organization admins edit them and appoint further admins. Signed-in users see the organizations they
 * administer or belong to through a team; to anyone else an organization looks absent. Thread-safe.
 */
public final class OrganizationService {
  private static final RowMapper<Organization> MAPPER = (rs, ctx) -> new Organization(
      rs.getString("name"), rs.getString("description"), Rows.instant(rs, "created_at"));

  private final Context context;

  OrganizationService(Context context) {
    this.context = context;
  }

  /**
   * @throws ForbiddenException     unless the actor is a system administrator
   * @throws InvalidNameException   for a bad or reserved name
   * @throws AlreadyExistsException if a user or organization has the name
   */
  public Organization create(Principal actor, String name, String description) {
    context.requireSystemAdmin(actor);
    UserService.requireNamespaceName(context, "organization", name);
    String text = Names.text("description", description, Names.MAX_DESCRIPTION_LENGTH, true);
    long now = context.now();
    context.write(h -> {
      UserService.claimNamespace(h, name, "organization");
      h.createUpdate("INSERT INTO organizations(name, description, created_at) VALUES (?, ?, ?)")
          .bind(0, name).bind(1, text).bind(2, now).execute();
      context.record(h, actor, EventType.ORGANIZATION_CREATED, "organization " + name);
      return null;
    });
    return find(name).orElseThrow();
  }

  /** @throws NotFoundException if there is no such organization or the actor is outside it */
  public Organization get(Principal actor, String name) {
    context.requireVisibleOrganization(actor, name);
    return find(name).orElseThrow(() -> new NotFoundException("organization", name));
  }

  /**
   * Organizations in name order after {@code after} (null: from the start), at most {@code limit}: all
   * of them for system administrators, otherwise those the actor administers or has a team in.
   */
  public List<Organization> list(Principal actor, String after, int limit) {
    context.requirePerson(actor);
    int size = Context.pageSize(limit);
    String visible = context.access.isSystemAdmin(actor) ? "" : " AND name IN (SELECT organization FROM"
        + " organization_admins WHERE username = :actor UNION SELECT organization FROM team_members WHERE username = :actor)";
    return context.read(h -> h.createQuery("SELECT name, description, created_at FROM organizations WHERE name > :after"
            + visible + " ORDER BY name LIMIT :size")
        .bind("after", after == null ? "" : after).bind("actor", actor.subject()).bind("size", size)
        .map(MAPPER).list());
  }

  /** Replaces the description. @throws ForbiddenException unless the actor administers the organization */
  public Organization update(Principal actor, String name, String description) {
    context.requireOrganizationAdmin(actor, name);
    String text = Names.text("description", description, Names.MAX_DESCRIPTION_LENGTH, true);
    context.write(h -> {
      Context.requireOrganization(h, name);
      h.createUpdate("UPDATE organizations SET description = ? WHERE name = ?").bind(0, text).bind(1, name).execute();
      context.record(h, actor, EventType.ORGANIZATION_UPDATED, "organization " + name);
      return null;
    });
    return find(name).orElseThrow();
  }

  /**
   * Deletes an organization with its teams, robots and their permissions; its name becomes free.
   *
   * @throws ForbiddenException unless the actor is a system administrator
   * @throws ConflictException  while repositories exist in its namespace (delete those first)
   */
  public void delete(Principal actor, String name) {
    context.requireSystemAdmin(actor);
    context.write(h -> {
      Context.requireOrganization(h, name);
      // Names are lower-case letters, digits and separators, none of which LIKE treats specially.
      if (Context.exists(h, "SELECT 1 FROM repositories WHERE name LIKE ? LIMIT 1", name + "/%")) {
        throw new ConflictException("organization '" + name + "' still has repositories");
      }
      h.createUpdate("DELETE FROM user_repository_grants WHERE repository LIKE ?").bind(0, name + "/%").execute();
      h.createUpdate("DELETE FROM organizations WHERE name = ?").bind(0, name).execute();
      h.createUpdate("DELETE FROM namespaces WHERE name = ?").bind(0, name).execute();
      context.record(h, actor, EventType.ORGANIZATION_DELETED, "organization " + name);
      return null;
    });
  }

  /**
   * Makes a user an administrator of the organization (idempotent).
   *
   * @throws ForbiddenException unless the actor administers the organization
   * @throws NotFoundException  if the organization or user does not exist
   */
  public void addAdmin(Principal actor, String organization, String username) {
    context.requireOrganizationAdmin(actor, organization);
    context.write(h -> {
      Context.requireOrganization(h, organization);
      Context.requireUser(h, username);
      int added = h.createUpdate("INSERT INTO organization_admins(organization, username) VALUES (?, ?)"
              + " ON CONFLICT (organization, username) DO NOTHING")
          .bind(0, organization).bind(1, username).execute();
      if (added == 1) {
        context.record(h, actor, EventType.ORGANIZATION_ADMIN_ADDED, "organization " + organization, null,
            Map.of("user", username));
      }
      return added;
    });
  }

  /** @throws NotFoundException if the user is not an admin of the organization */
  public void removeAdmin(Principal actor, String organization, String username) {
    context.requireOrganizationAdmin(actor, organization);
    context.write(h -> {
      int removed = h.createUpdate("DELETE FROM organization_admins WHERE organization = ? AND username = ?")
          .bind(0, organization).bind(1, username).execute();
      if (removed == 0) {
        throw new NotFoundException("admin of " + organization, username);
      }
      context.record(h, actor, EventType.ORGANIZATION_ADMIN_REMOVED, "organization " + organization, null,
          Map.of("user", username));
      return removed;
    });
  }

  /** The organization's admins, by name. @throws NotFoundException if the actor is outside the organization */
  public List<String> admins(Principal actor, String organization) {
    context.requireVisibleOrganization(actor, organization);
    return context.read(h -> {
      Context.requireOrganization(h, organization);
      return h.createQuery("SELECT username FROM organization_admins WHERE organization = ? ORDER BY username")
          .bind(0, organization).mapTo(String.class).list();
    });
  }

  private Optional<Organization> find(String name) {
    return context.read(h -> h.createQuery("SELECT name, description, created_at FROM organizations WHERE name = ?")
        .bind(0, name).map(MAPPER).findOne());
  }
}
