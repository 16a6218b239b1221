package io.portcullis.identity;

import io.portcullis.metadata.Tx;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Teams of organizations, their members, and the external directory groups mapped onto them. */
public interface TeamStore {
  /** @return false, changing nothing, if the organization has a team of that name */
  boolean insert(Tx tx, String organization, String name, String description, long createdAt);

  Optional<Team> find(Tx tx, String organization, String name);

  boolean exists(Tx tx, String organization, String name);

  /** The organization's teams by name. */
  List<Team> list(Tx tx, String organization);

  void updateDescription(Tx tx, String organization, String name, String description);

  /** Deletes the team with its memberships, repository permissions and group mappings. */
  void delete(Tx tx, String organization, String name);

  int countMembers(Tx tx, String organization, String team);

  /**
   * Makes the user a member with {@code role}, or changes the role of a member; either way the
   * membership counts as set by hand, which directory synchronisation keeps.
   */
  void putMember(Tx tx, String organization, String team, String username, TeamRole role);

  /** @return whether the user was a member */
  boolean removeMember(Tx tx, String organization, String team, String username);

  /** The team's members by user name. */
  List<TeamMember> members(Tx tx, String organization, String team);

  /** The user's role in the team, if a member. */
  Optional<TeamRole> role(Tx tx, String organization, String team, String username);

  /**
   * Makes the user's synchronised memberships those of {@code teams}: synchronised memberships elsewhere
   * end; in teams of {@code teams} the user is not in, the user becomes a synchronised member. Memberships
   * set by hand are left as they are.
   */
  void replaceSyncedMemberships(Tx tx, String username, Set<Key> teams);

  /** @return false if the mapping existed already */
  boolean insertMapping(Tx tx, GroupMapping mapping);

  /** @return whether the mapping existed */
  boolean deleteMapping(Tx tx, GroupMapping mapping);

  /** Every group mapping, by group, organization and team. */
  List<GroupMapping> mappings(Tx tx);

  /** A team's name within its organization. */
  record Key(String organization, String team) {}
}
