package io.portcullis.auth;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A resource and the actions asked for or granted on it, e.g. {@code repository:team/app:pull,push}.
 *
 * <p>Instances are always valid: the name follows the repository name grammar of the distribution
 * specification (lower-case components joined by {@code /}, at most {@value #MAX_NAME_LENGTH}
 * characters) and there is at least one action. {@link #toString()} gives the scope string, ready for a
 * {@code WWW-Authenticate} challenge.
 *
 * @param type          what kind of resource
 * @param resourceClass the deprecated resource class ({@code plugin} in {@code repository(plugin)}); kept
 *                      for fidelity but ignored when authorising, as the specification requires
 * @param name          repository path, or {@code catalog} for the registry, never with a host prefix
 * @param actions       non-empty, unmodifiable, iterates in the order pull, push, delete, *
 */
public record ResourceScope(
    ResourceType type, Optional<String> resourceClass, String name, Set<Action> actions) {

  /** Longest accepted resource name, as in the distribution reference grammar. */
  public static final int MAX_NAME_LENGTH = 255;

  private static final Pattern NAME =
      Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
  private static final Pattern CLASS = Pattern.compile("[a-z0-9]+");

  /**
   * @throws InvalidScopeException if the name or class breaks the grammar or no action is given
   */
  public ResourceScope {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(resourceClass, "resourceClass");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(actions, "actions");
    if (resourceClass.isPresent() && !CLASS.matcher(resourceClass.get()).matches()) {
      throw new InvalidScopeException(
          "invalid resource class '" + resourceClass.get() + "' (expected lower-case letters and digits)");
    }
    if (name.isEmpty()) {
      throw new InvalidScopeException("empty resource name");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw new InvalidScopeException(
          "resource name longer than " + MAX_NAME_LENGTH + " characters: " + name.length());
    }
    if (!NAME.matcher(name).matches()) {
      throw new InvalidScopeException(
          "invalid resource name '" + name + "' (expected lower-case components of letters and digits"
              + " separated by '.', '_', '__' or '-', joined by '/')");
    }
    if (actions.isEmpty()) {
      throw new InvalidScopeException("no action given for " + type + ":" + name);
    }
    actions = Action.orderedSet(actions);
  }

  /** A scope without resource class, the form every token and challenge uses. */
  public ResourceScope(ResourceType type, String name, Set<Action> actions) {
    this(type, Optional.empty(), name, actions);
  }

  /** Whether this is about the same resource; the resource class is ignored, as the specification requires. */
  public boolean sameResource(ResourceType otherType, String otherName) {
    return type == otherType && name.equals(otherName);
  }

  /** The scope string, e.g. {@code repository:team/app:pull,push}. */
  @Override
  public String toString() {
    String typeWithClass = type.wireName() + resourceClass.map(c -> "(" + c + ")").orElse("");
    return typeWithClass + ":" + name + ":"
        + actions.stream().map(Action::wireName).collect(Collectors.joining(","));
  }
}
