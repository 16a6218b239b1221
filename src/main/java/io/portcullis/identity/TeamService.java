package io.portcullis.identity;

import io.portcullis.auth.Principal;
import io.portcullis.events.EventType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

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

  private static final RowMapper<Team> MAPPER = (rs, ctx) -> new Team(rs.getString("organization"),
      rs.getString("name"), rs.getString("description"), Rows.instant(rs, "created_at"));

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
    context.write(h -> {
      Context.requireOrganization(h, organization);
      int created = h.createUpdate("INSERT INTO teams(organization, name, description, created_at) VALUES (?, ?, ?, ?)"
              + " ON CONFLICT (organization, name) DO NOTHING")
          .bind(0, organization).bind(1, name).bind(2, text).bind(3, now).execute();
      if (created == 0) {
        throw new AlreadyExistsException("team", organization + "/" + name);
      }
      context.record(h, actor, EventType.TEAM_CREATED, "team " + organization + "/" + name);
      return created;
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
    return context.read(h -> {
      Context.requireOrganization(h, organization);
      return h.createQuery("SELECT organization, name, description, created_at FROM teams WHERE organization = ?"
              + " ORDER BY name")
          .bind(0, organization).map(MAPPER).list();
    });
  }

  /** Replaces the description. */
  public Team update(Principal actor, String organization, String name, String description) {
    context.requireOrganizationAdmin(actor, organization);
    String text = Names.text("description", description, Names.MAX_DESCRIPTION_LENGTH, true);
    context.write(h -> {
      Context.requireTeam(h, organization, name);
      h.createUpdate("UPDATE teams SET description = ? WHERE organization = ? AND name = ?")
          .bind(0, text).bind(1, organization).bind(2, name).execute();
      context.record(h, actor, EventType.TEAM_UPDATED, "team " + organization + "/" + name);
      return null;
    });
    return find(organization, name).orElseThrow();
  }

  /** Deletes a team with its memberships, repository permissions and group mappings. */
  public void delete(Principal actor, String organization, String name) {
    context.requireOrganizationAdmin(actor, organization);
    context.write(h -> {
      Context.requireTeam(h, organization, name);
      h.createUpdate("DELETE FROM teams WHERE organization = ? AND name = ?").bind(0, organization).bind(1, name)
          .execute();
      context.record(h, actor, EventType.TEAM_DELETED, "team " + organization + "/" + name);
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
    context.write(h -> {
      Context.requireTeam(h, organization, team);
      Context.requireUser(h, username);
      int members = h.createQuery("SELECT COUNT(*) FROM team_members WHERE organization = ? AND team = ?")
          .bind(0, organization).bind(1, team).mapTo(Integer.class).one();
      if (members >= MAX_MEMBERS) {
        throw new InvalidValueException("teams are limited to " + MAX_MEMBERS + " members");
      }
      h.createUpdate("INSERT INTO team_members(organization, team, username, role, synced) VALUES (?, ?, ?, ?, FALSE)"
              + " ON CONFLICT (organization, team, username) DO UPDATE SET role = excluded.role, synced = FALSE")
          .bind(0, organization).bind(1, team).bind(2, username).bind(3, role.wireName()).execute();
      context.record(h, actor, EventType.TEAM_MEMBER_ADDED, "team " + organization + "/" + team, null,
          Map.of("user", username, "role", role.wireName()));
      return null;
    });
  }

  /** @throws NotFoundException if the user is not a member */
  public void removeMember(Principal actor, String organization, String team, String username) {
    requireTeamAdmin(actor, organization, team);
    context.write(h -> {
      int removed = h.createUpdate("DELETE FROM team_members WHERE organization = ? AND team = ? AND username = ?")
          .bind(0, organization).bind(1, team).bind(2, username).execute();
      if (removed == 0) {
        throw new NotFoundException("member of " + organization + "/" + team, username);
      }
      context.record(h, actor, EventType.TEAM_MEMBER_REMOVED, "team " + organization + "/" + team, null,
          Map.of("user", username));
      return removed;
    });
  }

  /** The team's members by user name. @throws NotFoundException if the actor is outside the organization */
  public List<TeamMember> members(Principal actor, String organization, String team) {
    context.requireVisibleOrganization(actor, organization);
    return context.read(h -> {
      Context.requireTeam(h, organization, team);
      return h.createQuery("SELECT username, role, synced FROM team_members WHERE organization = ? AND team = ?"
              + " ORDER BY username")
          .bind(0, organization).bind(1, team)
          .map((rs, ctx) -> new TeamMember(rs.getString(1), TeamRole.fromWireName(rs.getString(2)), rs.getBoolean(3)))
          .list();
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
    context.write(h -> {
      Context.requireTeam(h, organization, team);
      int mapped = h.createUpdate("INSERT INTO external_group_mappings(group_name, organization, team) VALUES (?, ?, ?)"
              + " ON CONFLICT (group_name, organization, team) DO NOTHING")
          .bind(0, name).bind(1, organization).bind(2, team).execute();
      if (mapped == 1) {
        context.record(h, actor, EventType.TEAM_GROUP_MAPPED, "team " + organization + "/" + team, null,
            Map.of("group", name));
      }
      return mapped;
    });
    return new GroupMapping(name, organization, team);
  }

  /** @throws NotFoundException if there is no such mapping */
  public void unmapGroup(Principal actor, String group, String organization, String team) {
    context.requireSystemAdmin(actor);
    context.write(h -> {
      int removed = h.createUpdate(
              "DELETE FROM external_group_mappings WHERE group_name = ? AND organization = ? AND team = ?")
          .bind(0, group).bind(1, organization).bind(2, team).execute();
      if (removed == 0) {
        throw new NotFoundException("group mapping", group + " -> " + organization + "/" + team);
      }
      context.record(h, actor, EventType.TEAM_GROUP_UNMAPPED, "team " + organization + "/" + team, null,
          Map.of("group", group));
      return removed;
    });
  }

  /** Every group mapping. */
  public List<GroupMapping> groupMappings(Principal actor) {
    context.requireSystemAdmin(actor);
    return context.read(h -> h.createQuery(
            "SELECT group_name, organization, team FROM external_group_mappings ORDER BY group_name, organization, team")
        .map((rs, ctx) -> new GroupMapping(rs.getString(1), rs.getString(2), rs.getString(3))).list());
  }

  private void requireTeamAdmin(Principal actor, String organization, String team) {
    if (context.access.isOrganizationAdmin(actor, organization)) {
      return;
    }
    boolean teamAdmin = context.isWritingUser(actor) && context.read(h -> Context.exists(h,
        "SELECT 1 FROM team_members WHERE organization = ? AND team = ? AND username = ? AND role = 'admin'",
        organization, team, actor.subject()));
    if (!teamAdmin) {
      throw new ForbiddenException("only admins of team '" + organization + "/" + team + "' may do this");
    }
  }

  private Optional<Team> find(String organization, String name) {
    return context.read(h -> h.createQuery(
            "SELECT organization, name, description, created_at FROM teams WHERE organization = ? AND name = ?")
        .bind(0, organization).bind(1, name).map(MAPPER).findOne());
  }
}
