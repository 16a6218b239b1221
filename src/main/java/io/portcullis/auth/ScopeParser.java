package io.portcullis.auth;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Parses the {@code scope} parameter of a token request, following the Docker resource scope grammar
 * ({@code type[(class)]:name:action[,action]*}, several scopes separated by spaces).
 *
 * <p>The name may contain a colon (a registry host with a port in front of the repository), so the
 * type ends at the first colon and the actions start after the last one. A name whose first component
 * is one of this registry's own host names ({@code localhost:5000/team/app}) is reduced to the
 * repository path ({@code team/app}); a first component naming any other host with a port is rejected,
 * because this registry holds no repository of another registry. A first component that merely
 * contains a dot ({@code my.team/app}) is a legal repository path and stays as it is.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ScopeParser {
  /** Longest accepted single scope, in characters. */
  public static final int MAX_SCOPE_LENGTH = 1024;
  /** Most scopes accepted in one token request. */
  public static final int MAX_SCOPES = 64;

  private static final Pattern TYPE_WITH_CLASS = Pattern.compile("([a-z0-9]+)(?:\\(([a-z0-9]+)\\))?");

  private final Set<String> ownHosts;

  /**
   * @param ownHosts the host names (with port where clients use one, e.g. {@code localhost:5000})
   *                 under which this registry is reached; compared case-insensitively
   */
  public ScopeParser(Collection<String> ownHosts) {
    this.ownHosts =
        ownHosts.stream()
            .map(host -> Objects.requireNonNull(host, "host").toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * This parser also treating {@code host} as one of this registry's own host names; null leaves it as
   * it is. The token endpoint passes the authority each request was addressed to: whatever name a client
   * reached this registry under is one of its names, even when it was started on an ephemeral port or
   * without a public URL.
   */
  public ScopeParser withOwnHost(String host) {
    if (host == null || host.isEmpty() || ownHosts.contains(host.toLowerCase(Locale.ROOT))) {
      return this;
    }
    Set<String> hosts = new HashSet<>(ownHosts);
    hosts.add(host);
    return new ScopeParser(hosts);
  }

  /**
   * Parses one scope such as {@code repository:team/app:pull,push}.
   *
   * @throws InvalidScopeException naming what is wrong with it
   */
  public ResourceScope parse(String scope) {
    Objects.requireNonNull(scope, "scope");
    if (scope.length() > MAX_SCOPE_LENGTH) {
      throw new InvalidScopeException("scope longer than " + MAX_SCOPE_LENGTH + " characters");
    }
    int firstColon = scope.indexOf(':');
    int lastColon = scope.lastIndexOf(':');
    if (firstColon < 0 || firstColon == lastColon) {
      throw new InvalidScopeException("scope '" + scope + "' is not of the form type:name:actions");
    }
    Matcher typeMatch = TYPE_WITH_CLASS.matcher(scope.substring(0, firstColon));
    if (!typeMatch.matches()) {
      throw new InvalidScopeException(
          "invalid resource type '" + scope.substring(0, firstColon) + "' in scope '" + scope + "'");
    }
    ResourceType type = ResourceType.fromWireName(typeMatch.group(1));
    String name = withoutOwnHost(scope.substring(firstColon + 1, lastColon));
    Set<Action> actions = parseActions(scope.substring(lastColon + 1), scope);
    return new ResourceScope(type, Optional.ofNullable(typeMatch.group(2)), name, actions);
  }

  /**
   * Parses every scope of a token request: each parameter value may hold several scopes separated
   * by spaces (the POST form), and a GET request may repeat the parameter.
   *
   * @throws InvalidScopeException if any scope is invalid or there are more than {@value #MAX_SCOPES}
   */
  public List<ResourceScope> parseAll(Collection<String> scopeParameters) {
    List<ResourceScope> scopes = new ArrayList<>();
    for (String parameter : scopeParameters) {
      if (parameter.length() > MAX_SCOPES * (MAX_SCOPE_LENGTH + 1)) {
        throw new InvalidScopeException("scope parameter too long: " + parameter.length() + " characters");
      }
      for (String scope : parameter.split(" ")) {
        if (scope.isEmpty()) {
          continue;
        }
        if (scopes.size() == MAX_SCOPES) {
          throw new InvalidScopeException("more than " + MAX_SCOPES + " scopes in one request");
        }
        scopes.add(parse(scope));
      }
    }
    return List.copyOf(scopes);
  }

  private String withoutOwnHost(String name) {
    int slash = name.indexOf('/');
    if (slash < 0) {
      return name;
    }
    String firstComponent = name.substring(0, slash);
    if (ownHosts.contains(firstComponent.toLowerCase(Locale.ROOT))) {
      return name.substring(slash + 1);
    }
    if (firstComponent.contains(":")) {
      throw new InvalidScopeException(
          "scope names repository '" + name + "' of registry '" + firstComponent
              + "', which is not this registry");
    }
    return name;
  }

  private static Set<Action> parseActions(String actionList, String scope) {
    if (actionList.isEmpty()) {
      throw new InvalidScopeException("no action given in scope '" + scope + "'");
    }
    EnumSet<Action> actions = EnumSet.noneOf(Action.class);
    for (String action : actionList.split(",", -1)) {
      if (action.isEmpty()) {
        throw new InvalidScopeException("empty action in scope '" + scope + "'");
      }
      actions.add(Action.fromWireName(action));
    }
    return actions;
  }
}
