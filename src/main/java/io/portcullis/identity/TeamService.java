package io.portcullis.identity;

import io.portcullis.auth.Principal;
import io.portcullis.events.EventType;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Teams of an organization, their members, and the mapping of external directory groups onto teams.
 *
 * <p>Organization admins manage teams; team admins also manage their team's members. Teams and members
 * are shown to the organization's admins and teams' members (and system administrators); to anyone
 * else the organization looks absent. Group mappings are managed by system administrators. Thread-safe.
 */
public final class TeamService {
  /** Most members a team may have. */
  public static final int MAX_MEMBERS = 10_000;

  private final Context context;

  TeamService(Context context) {
    this.context = context;
  }

  /**
   * @throws ForbiddenException     unless the actor administers the organization
   * @throws InvalidNameException   for a bad team name
   * @throws NotFoundException      if the organization does not exist
   * @throws AlreadyExistsException if the organization has a team of that name
   */
  public Team create(Principal actor, String organization, String name, String description) {
    context.requireOrganizationAdmin(actor, organization);
    Names.requireName("team", name);
    String text = Names.text("description", description, Names.MAX_DESCRIPTION_LENGTH, true);
    long now = context.now();
    context.write(tx -> {
      context.requireOrganization(tx, organization);
      if (!context.teams.insert(tx, organization, name, text, now)) {
        throw new AlreadyExistsException("team", organization + "/" + name);
      }
      context.record(tx, actor, EventType.TEAM_CREATED, "team " + organization + "/" + name);
      return null;
    });
    return find(organization, name).orElseThrow();
  }

  /** @throws NotFoundException if the organization or team does not exist, or the actor is outside it */
  public Team get(Principal actor, String organization, String name) {
    context.requireVisibleOrganization(actor, organization);
    return find(organization, name).orElseThrow(() -> new NotFoundException("team", organization + "/" + name));
  }

  /** The organization's teams by name. @throws NotFoundException if the actor is outside the organization */
  public List<Team> list(Principal actor, String organization) {
    context.requireVisibleOrganization(actor, organization);
    return context.read(tx -> {
      context.requireOrganization(tx, organization);
      return context.teams.list(tx, organization);
    });
  }

  /** Replaces the description. */
  public Team update(Principal actor, String organization, String name, String description) {
    context.requireOrganizationAdmin(actor, organization);
    String text = Names.text("description", description, Names.MAX_DESCRIPTION_LENGTH, true);
    context.write(tx -> {
      context.requireTeam(tx, organization, name);
      context.teams.updateDescription(tx, organization, name, text);
      context.record(tx, actor, EventType.TEAM_UPDATED, "team " + organization + "/" + name);
      return null;
    });
    return find(organization, name).orElseThrow();
  }

  /** Deletes a team with its memberships, repository permissions and group mappings. */
  public void delete(Principal actor, String organization, String name) {
    context.requireOrganizationAdmin(actor, organization);
    context.write(tx -> {
      context.requireTeam(tx, organization, name);
      context.teams.delete(tx, organization, name);
      context.record(tx, actor, EventType.TEAM_DELETED, "team " + organization + "/" + name);
      return null;
    });
  }

  /**
   * Adds a user to the team or changes their role. A membership set here is kept by directory
   * synchronisation even if it was synchronised before.
   *
   * @throws ForbiddenException unless the actor administers the organization or the team
   * @throws NotFoundException  if the team or user does not exist
   */
  public void addMember(Principal actor, String organization, String team, String username, TeamRole role) {
    requireTeamAdmin(actor, organization, team);
    context.write(tx -> {
      context.requireTeam(tx, organization, team);
      context.requireUser(tx, username);
      if (context.teams.countMembers(tx, organization, team) >= MAX_MEMBERS) {
        throw new InvalidValueException("teams are limited to " + MAX_MEMBERS + " members");
      }
      context.teams.putMember(tx, organization, team, username, role);
      context.record(tx, actor, EventType.TEAM_MEMBER_ADDED, "team " + organization + "/" + team, null,
          Map.of("user", username, "role", role.wireName()));
      return null;
    });
  }

  /** @throws NotFoundException if the user is not a member */
  public void removeMember(Principal actor, String organization, String team, String username) {
    requireTeamAdmin(actor, organization, team);
    context.write(tx -> {
      if (!context.teams.removeMember(tx, organization, team, username)) {
        throw new NotFoundException("member of " + organization + "/" + team, username);
      }
      context.record(tx, actor, EventType.TEAM_MEMBER_REMOVED, "team " + organization + "/" + team, null,
          Map.of("user", username));
      return null;
    });
  }

  /** The team's members by user name. @throws NotFoundException if the actor is outside the organization */
  public List<TeamMember> members(Principal actor, String organization, String team) {
    context.requireVisibleOrganization(actor, organization);
    return context.read(tx -> {
      context.requireTeam(tx, organization, team);
      return context.teams.members(tx, organization, team);
    });
  }

  /**
   * Maps an external directory group onto a team: directory logins of the group's members make them
   * (synchronised) members of the team. Group names are compared case-insensitively.
   *
   * @throws ForbiddenException unless the actor is a system administrator
   */
  public GroupMapping mapGroup(Principal actor, String group, String organization, String team) {
    context.requireSystemAdmin(actor);
    String name = Names.text("group name", group, Names.MAX_DESCRIPTION_LENGTH, false);
    if (name == null) {
      throw new InvalidValueException("empty group name");
    }
    GroupMapping mapping = new GroupMapping(name, organization, team);
    context.write(tx -> {
      context.requireTeam(tx, organization, team);
      if (context.teams.insertMapping(tx, mapping)) {
        context.record(tx, actor, EventType.TEAM_GROUP_MAPPED, "team " + organization + "/" + team, null,
            Map.of("group", name));
      }
      return null;
    });
    return mapping;
  }

  /** @throws NotFoundException if there is no such mapping */
  public void unmapGroup(Principal actor, String group, String organization, String team) {
    context.requireSystemAdmin(actor);
    context.write(tx -> {
      if (!context.teams.deleteMapping(tx, new GroupMapping(group, organization, team))) {
        throw new NotFoundException("group mapping", group + " -> " + organization + "/" + team);
      }
      context.record(tx, actor, EventType.TEAM_GROUP_UNMAPPED, "team " + organization + "/" + team, null,
          Map.of("group", group));
      return null;
    });
  }

  /** Every group mapping. */
  public List<GroupMapping> groupMappings(Principal actor) {
    context.requireSystemAdmin(actor);
    return context.read(context.teams::mappings);
  }

  private void requireTeamAdmin(Principal actor, String organization, String team) {
    if (context.access.isOrganizationAdmin(actor, organization)) {
      return;
    }
    boolean teamAdmin = context.isWritingUser(actor) && context.read(tx -> context.teams.role(tx, organization, team,
        actor.subject())).filter(role -> role == TeamRole.ADMIN).isPresent();
    if (!teamAdmin) {
      throw new ForbiddenException("only admins of team '" + organization + "/" + team + "' may do this");
    }
  }

  private Optional<Team> find(String organization, String name) {
    return context.read(tx -> context.teams.find(tx, organization, name));
  }
}
