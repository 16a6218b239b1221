package io.portcullis.identity;

import io.portcullis.auth.Action;
import java.util.Set;

/**
 * A permission level on one repository, granted to a team or directly to a user. Levels are ordered
 * (each includes the ones before it) and additive: a user holds the highest level any of their teams
 * or direct grants gives.
 */
public enum RepositoryLevel implements WireNames.Named {
  /** View and pull. */
  READ("read", Set.of(Action.PULL)),
  /** Also push and delete tags and manifests. */
  READ_WRITE("read-write", Set.of(Action.PULL, Action.PUSH, Action.DELETE)),
  /**
   * Also edit the description, switch visibility and manage user access; in tokens it holds {@code *}.
   * Deleting the repository stays with the namespace owner and organization admins.
   */
  ADMIN("admin", Set.of(Action.PULL, Action.PUSH, Action.DELETE, Action.ALL));

  private final String wireName;
  private final Set<Action> actions;

  RepositoryLevel(String wireName, Set<Action> actions) {
    this.wireName = wireName;
    this.actions = Action.orderedSet(actions);
  }

  @Override
  public String wireName() {
    return wireName;
  }

  /** The token actions this level holds. */
  public Set<Action> actions() {
    return actions;
  }

  /** The higher of two levels; {@code other} may be null. */
  public RepositoryLevel max(RepositoryLevel other) {
    return other == null || other.compareTo(this) < 0 ? this : other;
  }

  /**
   * The level spelled {@code wireName}.
   *
   * @throws InvalidValueException for any other spelling
   */
  public static RepositoryLevel fromWireName(String wireName) {
    return WireNames.parse(RepositoryLevel.class, "permission level", wireName);
  }

  @Override
  public String toString() {
    return wireName;
  }
}
