package io.portcullis.identity;

import io.portcullis.metadata.Tx;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Organizations and their administrators. */
public interface OrganizationStore {
  /** Adds an organization whose namespace the caller has claimed. */
  void insert(Tx tx, String name, String description, long createdAt);

  Optional<Organization> find(Tx tx, String name);

  boolean exists(Tx tx, String name);

  /**
   * Organizations in name order after {@code after} (null: from the start), at most {@code limit}.
   *
   * @param visibleTo only those this user administers or has a team in; null for all
   */
  List<Organization> page(Tx tx, String after, int limit, String visibleTo);

  void updateDescription(Tx tx, String name, String description);

  /** Deletes the organization with its admins, teams and robots, and what hangs off those. */
  void delete(Tx tx, String name);

  /** @return whether the user was not an admin before */
  boolean addAdmin(Tx tx, String organization, String username);

  /** @return whether the user was an admin */
  boolean removeAdmin(Tx tx, String organization, String username);

  /** The organization's admins by name. */
  List<String> admins(Tx tx, String organization);

  /** The organizations the user administers. */
  Set<String> administeredBy(Tx tx, String username);

  /** Whether the user administers the organization or is a member of one of its teams. */
  boolean isAdminOrTeamMember(Tx tx, String organization, String username);
}
