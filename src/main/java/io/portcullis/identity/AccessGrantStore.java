package io.portcullis.identity;

import io.portcullis.metadata.Tx;
import java.util.List;
import java.util.Map;

/** What users hold on repositories: through their teams' permissions and by direct grants. */
public interface AccessGrantStore {
  /** The highest level the user holds on each repository, through teams and direct grants together. */
  Map<String, RepositoryLevel> levels(Tx tx, String username);

  /** Removes the direct user grants on every repository in {@code namespace}. */
  void deleteUserGrantsIn(Tx tx, String namespace);

  /** Gives the team {@code level} on the repository, replacing the level it had. */
  void putTeamPermission(Tx tx, String organization, String team, String repository, RepositoryLevel level);

  /** @return false if the team had no permission on the repository */
  boolean deleteTeamPermission(Tx tx, String organization, String team, String repository);

  /** The team's permissions, by repository name. */
  List<TeamPermission> teamPermissions(Tx tx, String organization, String team);

  /** The team permissions on the repository, by organization and team. */
  List<TeamPermission> teamPermissionsOn(Tx tx, String repository);

  /** Gives the user {@code level} on the repository directly, replacing the level they had. */
  void putUserGrant(Tx tx, String username, String repository, RepositoryLevel level);

  /** @return false if the user held no direct grant on the repository */
  boolean deleteUserGrant(Tx tx, String username, String repository);

  /** The direct user grants on the repository, by user name. */
  List<UserGrant> userGrants(Tx tx, String repository);

  /** Removes every team permission and direct user grant on the repository. */
  void deleteGrantsOn(Tx tx, String repository);
}
