package io.portcullis.identity;

import io.portcullis.auth.Principal;
import io.portcullis.events.EventType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Repository visibility and description, and who may do what on a repository: team permissions and
 * direct user grants.
 *
 * <p>Those without access to a private repository cannot tell it from an absent one: both give
 * {@link NotFoundException}. Permissions are kept by repository name, so they can be granted before the
 * first push creates the repository, and are removed with {@link #forgetRepository}. Thread-safe.
 */
public final class RepositoryAccessService {
  private static final RowMapper<RepositoryInfo> MAPPER = (rs, ctx) -> new RepositoryInfo(rs.getString("name"),
      Visibility.fromWireName(rs.getString("visibility")), rs.getString("description"),
      Instant.ofEpochMilli(rs.getLong("created_at")));

  private final Context context;

  RepositoryAccessService(Context context) {
    this.context = context;
  }

  /** @throws NotFoundException if the repository does not exist or the actor may not see it */
  public RepositoryInfo get(Principal actor, String repository) {
    Names.requireRepository(repository);
    if (!context.access.canPull(actor, repository)) {
      throw new NotFoundException("repository", repository);
    }
    return find(repository).orElseThrow(() -> new NotFoundException("repository", repository));
  }

  /**
   * Creates an empty repository ahead of its first push.
   *
   * @throws ForbiddenException     unless the actor may push to that name
   * @throws AlreadyExistsException if it exists
   */
  public RepositoryInfo create(Principal actor, String repository, Visibility visibility, String description) {
    Names.requireRepository(repository);
    if (!context.access.canPush(actor, repository)) {
      throw new ForbiddenException("you may not create repository '" + repository + "'");
    }
    String text = Names.text("description", description, Names.MAX_DESCRIPTION_LENGTH, true);
    long now = context.now();
    context.write(tx -> {
      Handle h = tx.handle();
      int created = h.createUpdate("INSERT INTO repositories(name, created_at, visibility, description)"
              + " VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING")
          .bind(0, repository).bind(1, now).bind(2, visibility.wireName()).bind(3, text).execute();
      if (created == 0) {
        throw new AlreadyExistsException("repository", repository);
      }
      context.record(tx, actor, EventType.REPOSITORY_CREATED, null, repository,
          Map.of("visibility", visibility.wireName()));
      return created;
    });
    return find(repository).orElseThrow();
  }

  /** Makes the repository public or private. @throws ForbiddenException unless the actor may manage it */
  public RepositoryInfo setVisibility(Principal actor, String repository, Visibility visibility) {
    return update(actor, repository, visibility, false, null);
  }

  /** Replaces the description (null or blank clears it). */
  public RepositoryInfo setDescription(Principal actor, String repository, String description) {
    return update(actor, repository, null, true, description);
  }

  /**
   * Changes visibility and description together: everything is checked before anything is written, and
   * both are written in one transaction, so a refused change leaves the repository as it was.
   *
   * @param visibility         the new visibility; null keeps it
   * @param replaceDescription whether to replace the description with {@code description} (null or
   *                           blank clears it)
   * @throws ForbiddenException    unless the actor may manage the repository
   * @throws InvalidValueException for a bad description
   */
  public RepositoryInfo update(Principal actor, String repository, Visibility visibility, boolean replaceDescription,
      String description) {
    String text = replaceDescription ? Names.text("description", description, Names.MAX_DESCRIPTION_LENGTH, true) : null;
    Map<String, String> change = new java.util.TreeMap<>();
    if (visibility != null) {
      change.put("visibility", visibility.wireName());
    }
    if (replaceDescription) {
      change.put("description", "replaced");
    }
    return updateExisting(actor, repository, change, h -> h.createUpdate("UPDATE repositories SET"
            + " visibility = CASE WHEN :keepVisibility THEN visibility ELSE :visibility END,"
            + " description = CASE WHEN :replaceDescription THEN :description ELSE description END WHERE name = :name")
        .bind("keepVisibility", visibility == null).bind("visibility", visibility == null ? null : visibility.wireName())
        .bind("replaceDescription", replaceDescription).bind("description", text).bind("name", repository).execute());
  }

  /**
   * Gives a team a level on a repository of its organization (replacing its previous level). The
   * repository need not exist yet.
   *
   * @throws ForbiddenException   unless the actor administers the organization
   * @throws InvalidNameException if the repository is not in the organization's namespace
   * @throws NotFoundException    if the team does not exist
   */
  public TeamPermission setTeamPermission(Principal actor, String organization, String team, String repository,
      RepositoryLevel level) {
    context.requireOrganizationAdmin(actor, organization);
    Names.requireRepository(repository, organization);
    context.write(tx -> {
      Handle h = tx.handle();
      context.requireTeam(tx, organization, team);
      h.createUpdate("INSERT INTO team_repository_permissions(organization, team, repository, level)"
              + " VALUES (?, ?, ?, ?) ON CONFLICT (organization, team, repository) DO UPDATE SET level = excluded.level")
          .bind(0, organization).bind(1, team).bind(2, repository).bind(3, level.wireName()).execute();
      context.record(tx, actor, EventType.PERMISSION_GRANTED, "team " + organization + "/" + team, repository,
          Map.of("level", level.wireName()));
      return null;
    });
    return new TeamPermission(organization, team, repository, level);
  }

  /** @throws NotFoundException if the team has no permission on the repository */
  public void removeTeamPermission(Principal actor, String organization, String team, String repository) {
    context.requireOrganizationAdmin(actor, organization);
    context.write(tx -> {
      Handle h = tx.handle();
      int removed = h.createUpdate(
              "DELETE FROM team_repository_permissions WHERE organization = ? AND team = ? AND repository = ?")
          .bind(0, organization).bind(1, team).bind(2, repository).execute();
      if (removed == 0) {
        throw new NotFoundException("permission of " + organization + "/" + team, repository);
      }
      context.record(tx, actor, EventType.PERMISSION_REVOKED, "team " + organization + "/" + team, repository,
          Map.of());
      return removed;
    });
  }

  /**
   * A team's permissions by repository name.
   *
   * @throws ForbiddenException unless the actor administers the organization or is a team member
   */
  public List<TeamPermission> teamPermissions(Principal actor, String organization, String team) {
    boolean member = context.isWritingUser(actor)
        && context.read(tx -> context.teams.role(tx, organization, team, actor.subject())).isPresent();
    if (!member) {
      context.requireOrganizationAdmin(actor, organization);
    }
    return context.read(tx -> {
      Handle h = tx.handle();
      context.requireTeam(tx, organization, team);
      return h.createQuery("SELECT repository, level FROM team_repository_permissions"
              + " WHERE organization = ? AND team = ? ORDER BY repository")
          .bind(0, organization).bind(1, team)
          .map((rs, ctx) -> new TeamPermission(organization, team, rs.getString(1),
              RepositoryLevel.fromWireName(rs.getString(2))))
          .list();
    });
  }

  /**
   * The teams with a permission on the repository.
   *
   * @throws ForbiddenException unless the actor may manage the repository
   */
  public List<TeamPermission> teamPermissionsOn(Principal actor, String repository) {
    requireManage(actor, repository);
    return context.read(tx -> tx.handle().createQuery("SELECT organization, team, level"
            + " FROM team_repository_permissions WHERE repository = ? ORDER BY organization, team")
        .bind(0, repository)
        .map((rs, ctx) -> new TeamPermission(rs.getString(1), rs.getString(2), repository,
            RepositoryLevel.fromWireName(rs.getString(3))))
        .list());
  }

  /**
   * Gives one user a level on the repository directly ("manage user access"), replacing a previous one.
   *
   * @throws ForbiddenException unless the actor may manage the repository
   * @throws NotFoundException  if the user does not exist
   */
  public UserGrant grantUser(Principal actor, String repository, String username, RepositoryLevel level) {
    requireManage(actor, repository);
    context.write(tx -> {
      Handle h = tx.handle();
      context.requireUser(tx, username);
      h.createUpdate("INSERT INTO user_repository_grants(username, repository, level) VALUES (?, ?, ?)"
              + " ON CONFLICT (username, repository) DO UPDATE SET level = excluded.level")
          .bind(0, username).bind(1, repository).bind(2, level.wireName()).execute();
      context.record(tx, actor, EventType.PERMISSION_GRANTED, "user " + username, repository,
          Map.of("level", level.wireName()));
      return null;
    });
    return new UserGrant(username, repository, level);
  }

  /** @throws NotFoundException if the user holds no direct grant on the repository */
  public void revokeUser(Principal actor, String repository, String username) {
    requireManage(actor, repository);
    context.write(tx -> {
      Handle h = tx.handle();
      int removed = h.createUpdate("DELETE FROM user_repository_grants WHERE username = ? AND repository = ?")
          .bind(0, username).bind(1, repository).execute();
      if (removed == 0) {
        throw new NotFoundException("grant on " + repository + " to user", username);
      }
      context.record(tx, actor, EventType.PERMISSION_REVOKED, "user " + username, repository, Map.of());
      return removed;
    });
  }

  /** The direct user grants on the repository. */
  public List<UserGrant> userGrants(Principal actor, String repository) {
    requireManage(actor, repository);
    return context.read(tx -> tx.handle().createQuery(
            "SELECT username, level FROM user_repository_grants WHERE repository = ? ORDER BY username")
        .bind(0, repository)
        .map((rs, ctx) -> new UserGrant(rs.getString(1), repository, RepositoryLevel.fromWireName(rs.getString(2))))
        .list());
  }

  /**
   * Removes every team permission, user grant and robot grant on the repository name, so that a later
   * repository of the same name starts private and unshared. Call it when the repository is deleted.
   *
   * @throws ForbiddenException unless the actor may delete the repository
   */
  public void forgetRepository(Principal actor, String repository) {
    Names.requireRepository(repository);
    if (!context.access.canDeleteRepository(actor, repository)) {
      throw new ForbiddenException("you may not delete repository '" + repository + "'");
    }
    context.write(tx -> {
      Handle h = tx.handle();
      for (String table : List.of("team_repository_permissions", "user_repository_grants", "robot_repository_grants")) {
        h.createUpdate("DELETE FROM " + table + " WHERE repository = ?").bind(0, repository).execute();
      }
      return null;
    });
  }

  private RepositoryInfo updateExisting(Principal actor, String repository, Map<String, String> change,
      ToIntFunction<Handle> update) {
    requireManage(actor, repository);
    context.write(tx -> {
      Handle h = tx.handle();
      if (update.applyAsInt(h) == 0) {
        throw new NotFoundException("repository", repository);
      }
      context.record(tx, actor, EventType.REPOSITORY_UPDATED, null, repository, change);
      return null;
    });
    return find(repository).orElseThrow();
  }

  /** NotFound for those who may not see the repository, Forbidden for those who see but may not manage it. */
  private void requireManage(Principal actor, String repository) {
    Names.requireRepository(repository);
    if (!context.access.canPull(actor, repository)) {
      throw new NotFoundException("repository", repository);
    }
    if (!context.access.canManage(actor, repository)) {
      throw new ForbiddenException("you may not manage repository '" + repository + "'");
    }
  }

  private Optional<RepositoryInfo> find(String repository) {
    return context.read(tx -> tx.handle().createQuery(
            "SELECT name, visibility, description, created_at FROM repositories WHERE name = ?")
        .bind(0, repository).map(MAPPER).findOne());
  }
}
