package io.portcullis.identity;

import io.portcullis.auth.Principal;
import io.portcullis.events.EventType;
import io.portcullis.metadata.Tx;
import io.portcullis.repository.Repository;
import io.portcullis.repository.SettingsChange;
import io.portcullis.repository.Visibility;
import io.portcullis.shared.RepositoryName;
import java.util.List;
import java.util.Map;

/**
 * Who may do what on a repository: team permissions and direct user grants, and the permission checks
 * in front of the repository domain's operations (see, create, change settings, delete), whose
 * repositories and settings are the repository domain's.
 *
 * <p>Those without access to a private repository cannot tell it from an absent one: both give
 * {@link NotFoundException}. Permissions are kept by repository name, so they can be granted before the
 * first push creates the repository; deleting the repository removes them ({@link #forgetGrants}).
 * Settings that are invalid or conflict come from the repository domain as
 * {@link io.portcullis.repository.RepositoryException}. Thread-safe.
 */
public final class RepositoryAccessService {
  private final Context context;

  RepositoryAccessService(Context context) {
    this.context = context;
  }

  /** @throws NotFoundException if the repository does not exist or the actor may not see it */
  public Repository get(Principal actor, String repository) {
    Names.requireRepository(repository);
    if (!context.access.canPull(actor, repository)) {
      throw new NotFoundException("repository", repository);
    }
    return context.repositories.find(RepositoryName.of(repository))
        .orElseThrow(() -> new NotFoundException("repository", repository));
  }

  /**
   * One page of the repositories the actor may pull, by name after {@code after} (null for the first),
   * with one extra element when more follow.
   *
   * @param nameContains only names containing this, or null for all
   */
  public List<Repository> list(Principal actor, String after, int limit, String nameContains) {
    return context.repositories.list(after, Context.pageSize(limit), r -> (nameContains == null
        || r.name().value().contains(nameContains)) && context.access.canPull(actor, r.name().value()));
  }

  /**
   * Creates an empty repository ahead of its first push, with {@code settings} over the defaults.
   *
   * @throws ForbiddenException unless the actor may push to that name
   * @throws io.portcullis.repository.RepositoryException if it exists
   */
  public Repository create(Principal actor, String repository, SettingsChange settings) {
    Names.requireRepository(repository);
    if (!context.access.canPush(actor, repository)) {
      throw new ForbiddenException("you may not create repository '" + repository + "'");
    }
    return context.repositories.create(RepositoryName.of(repository), settings, context.caller(actor));
  }

  /** Makes the repository public or private. @throws ForbiddenException unless the actor may manage it */
  public Repository setVisibility(Principal actor, String repository, Visibility visibility) {
    return update(actor, repository, SettingsChange.NONE.withVisibility(visibility));
  }

  /** Replaces the description (null or blank clears it). */
  public Repository setDescription(Principal actor, String repository, String description) {
    return update(actor, repository, SettingsChange.NONE.withDescription(description));
  }

  /**
   * Changes the repository's settings, all in one transaction: a refused change leaves it as it was.
   *
   * @throws NotFoundException  if the actor may not see the repository
   * @throws ForbiddenException unless the actor may manage it
   */
  public Repository update(Principal actor, String repository, SettingsChange change) {
    requireManage(actor, repository);
    return context.repositories.update(RepositoryName.of(repository), change, context.caller(actor));
  }

  /**
   * Deletes the repository with everything kept about it, in one transaction.
   *
   * @throws NotFoundException  if it does not exist or the actor may not see it
   * @throws ForbiddenException unless the actor may delete it
   */
  public void delete(Principal actor, String repository) {
    get(actor, repository);
    if (!context.access.canDeleteRepository(actor, repository)) {
      throw new ForbiddenException("you may not delete repository '" + repository + "'");
    }
    context.repositories.delete(RepositoryName.of(repository), context.caller(actor));
  }

  /**
   * Identity's part in deleting a repository ({@link io.portcullis.repository.RepositoryDeletionParticipant}):
   * every team permission, user grant and robot grant on its name goes, so that a later repository of the
   * same name starts private and unshared. The access controller drops its cache once the deletion
   * committed, as after every repository change.
   */
  public void forgetGrants(Tx tx, RepositoryName repository) {
    context.grants.deleteGrantsOn(tx, repository.value());
    context.robots.deleteGrantsOn(tx, repository.value());
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
      context.requireTeam(tx, organization, team);
      context.grants.putTeamPermission(tx, organization, team, repository, level);
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
      if (!context.grants.deleteTeamPermission(tx, organization, team, repository)) {
        throw new NotFoundException("permission of " + organization + "/" + team, repository);
      }
      context.record(tx, actor, EventType.PERMISSION_REVOKED, "team " + organization + "/" + team, repository,
          Map.of());
      return null;
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
      context.requireTeam(tx, organization, team);
      return context.grants.teamPermissions(tx, organization, team);
    });
  }

  /**
   * The teams with a permission on the repository.
   *
   * @throws ForbiddenException unless the actor may manage the repository
   */
  public List<TeamPermission> teamPermissionsOn(Principal actor, String repository) {
    requireManage(actor, repository);
    return context.read(tx -> context.grants.teamPermissionsOn(tx, repository));
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
      context.requireUser(tx, username);
      context.grants.putUserGrant(tx, username, repository, level);
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
      if (!context.grants.deleteUserGrant(tx, username, repository)) {
        throw new NotFoundException("grant on " + repository + " to user", username);
      }
      context.record(tx, actor, EventType.PERMISSION_REVOKED, "user " + username, repository, Map.of());
      return null;
    });
  }

  /** The direct user grants on the repository. */
  public List<UserGrant> userGrants(Principal actor, String repository) {
    requireManage(actor, repository);
    return context.read(tx -> context.grants.userGrants(tx, repository));
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
}
