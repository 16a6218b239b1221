package io.portcullis.auth;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * An action a scope asks for or a token grants, as spelled in the Docker token protocol.
 *
 * <p>{@link #ALL} ({@code *}) stands for every action on the resource; it is what clients ask for
 * on {@code registry:catalog:*} and what an administrator of a resource holds.
 */
public enum Action {
  PULL("pull"),
  PUSH("push"),
  DELETE("delete"),
  ALL("*");

  private final String wireName;

  Action(String wireName) {
    this.wireName = wireName;
  }

  /** The spelling used in scopes and in a token's {@code access} claim. */
  public String wireName() {
    return wireName;
  }

  /**
   * The action spelled {@code wireName}.
   *
   * @throws InvalidScopeException if no action has that spelling (spellings are case-sensitive)
   */
  public static Action fromWireName(String wireName) {
    for (Action action : values()) {
      if (action.wireName.equals(wireName)) {
        return action;
      }
    }
    throw new InvalidScopeException("unknown action '" + wireName + "' (expected pull, push, delete or *)");
  }

  /** Whether holding this action allows {@code requested}: equal, or this is {@link #ALL}. */
  public boolean covers(Action requested) {
    return this == ALL || this == requested;
  }

  /**
   * The actions of {@code requested} that {@code held} allows, so that a grant never exceeds the
   * request: asking for {@code pull} while holding {@code *} yields {@code pull}, while asking for
   * {@code *} yields {@code *} only to whoever holds {@code *}.
   */
  public static Set<Action> allowed(Collection<Action> requested, Collection<Action> held) {
    EnumSet<Action> allowed = EnumSet.noneOf(Action.class);
    for (Action wanted : requested) {
      if (held.stream().anyMatch(h -> h.covers(wanted))) {
        allowed.add(wanted);
      }
    }
    return Collections.unmodifiableSet(allowed);
  }

  /** An unmodifiable copy of {@code actions} that iterates in declaration order (pull, push, delete, *). */
  public static Set<Action> orderedSet(Collection<Action> actions) {
    EnumSet<Action> copy = EnumSet.noneOf(Action.class);
    copy.addAll(actions);
    return Collections.unmodifiableSet(copy);
  }

  @Override
  public String toString() {
    return wireName;
  }
}
