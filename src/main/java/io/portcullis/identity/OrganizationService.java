package io.portcullis.identity;

import io.portcullis.auth.Principal;
import io.portcullis.events.EventType;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Organizations and their administrators. System administrators create and delete organizations;
 * organization admins edit them and appoint further admins. Signed-in users see the organizations they
 * administer or belong to through a team; to anyone else an organization looks absent. Thread-safe.
 */
public final class OrganizationService {
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
    context.write(tx -> {
      context.claimNamespace(tx, name, "organization");
      context.organizations.insert(tx, name, text, now);
      context.record(tx, actor, EventType.ORGANIZATION_CREATED, "organization " + name);
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
    String visibleTo = context.access.isSystemAdmin(actor) ? null : actor.subject();
    return context.read(tx -> context.organizations.page(tx, after, size, visibleTo));
  }

  /** Replaces the description. @throws ForbiddenException unless the actor administers the organization */
  public Organization update(Principal actor, String name, String description) {
    context.requireOrganizationAdmin(actor, name);
    String text = Names.text("description", description, Names.MAX_DESCRIPTION_LENGTH, true);
    context.write(tx -> {
      context.requireOrganization(tx, name);
      context.organizations.updateDescription(tx, name, text);
      context.record(tx, actor, EventType.ORGANIZATION_UPDATED, "organization " + name);
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
    context.write(tx -> {
      context.requireOrganization(tx, name);
      if (context.repositories.anyInNamespace(tx, name)) {
        throw new ConflictException("organization '" + name + "' still has repositories");
      }
      context.grants.deleteUserGrantsIn(tx, name);
      context.organizations.delete(tx, name);
      context.namespaces.release(tx, name);
      context.record(tx, actor, EventType.ORGANIZATION_DELETED, "organization " + name);
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
    context.write(tx -> {
      context.requireOrganization(tx, organization);
      context.requireUser(tx, username);
      if (context.organizations.addAdmin(tx, organization, username)) {
        context.record(tx, actor, EventType.ORGANIZATION_ADMIN_ADDED, "organization " + organization, null,
            Map.of("user", username));
      }
      return null;
    });
  }

  /** @throws NotFoundException if the user is not an admin of the organization */
  public void removeAdmin(Principal actor, String organization, String username) {
    context.requireOrganizationAdmin(actor, organization);
    context.write(tx -> {
      if (!context.organizations.removeAdmin(tx, organization, username)) {
        throw new NotFoundException("admin of " + organization, username);
      }
      context.record(tx, actor, EventType.ORGANIZATION_ADMIN_REMOVED, "organization " + organization, null,
          Map.of("user", username));
      return null;
    });
  }

  /** The organization's admins, by name. @throws NotFoundException if the actor is outside the organization */
  public List<String> admins(Principal actor, String organization) {
    context.requireVisibleOrganization(actor, organization);
    return context.read(tx -> {
      context.requireOrganization(tx, organization);
      return context.organizations.admins(tx, organization);
    });
  }

  private Optional<Organization> find(String name) {
    return context.read(tx -> context.organizations.find(tx, name));
  }
}
