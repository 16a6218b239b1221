package io.portcullis.shared;

import java.util.Objects;

/**
 * What a webhook, a pull gate or an allowlist entry belongs to: the whole registry, every repository of
 * one namespace (a user's or an organization's, {@code acme/…}), or one repository.
 *
 * @param kind which of the three
 * @param name the namespace or repository; empty for {@link Kind#GLOBAL}
 */
public record Scope(Kind kind, String name) {
  public static final Scope GLOBAL = new Scope(Kind.GLOBAL, "");

  public Scope {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
  }

  /** The three kinds of scope, widest first, spelled as the API and the database spell them. */
  public enum Kind {
    GLOBAL("global"),
    NAMESPACE("namespace"),
    REPOSITORY("repository");

    private final String wireName;

    Kind(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }

    public static Kind fromWireName(String name) {
      for (Kind kind : values()) {
        if (kind.wireName.equals(name)) {
          return kind;
        }
      }
      throw new IllegalArgumentException("unknown scope " + name);
    }
  }

  /** @throws IllegalArgumentException unless {@code namespace} is one repository path component */
  public static Scope namespace(String namespace) {
    if (namespace == null || namespace.contains("/") || !RepositoryName.isValid(namespace)) {
      throw new IllegalArgumentException("invalid namespace '" + abbreviate(namespace) + "'");
    }
    return new Scope(Kind.NAMESPACE, namespace);
  }

  /** @throws IllegalArgumentException unless {@code repository} is a valid repository name */
  public static Scope repository(String repository) {
    if (!RepositoryName.isValid(repository)) {
      throw new IllegalArgumentException("invalid repository name '" + abbreviate(repository) + "'");
    }
    return new Scope(Kind.REPOSITORY, repository);
  }

  /** The scopes that cover {@code repository}, widest first: the registry, its namespace (if it has one), itself. */
  public static java.util.List<Scope> covering(RepositoryName repository) {
    String name = repository.value();
    int slash = name.indexOf('/');
    return slash < 0 ? java.util.List.of(GLOBAL, new Scope(Kind.REPOSITORY, name))
        : java.util.List.of(GLOBAL, new Scope(Kind.NAMESPACE, name.substring(0, slash)),
            new Scope(Kind.REPOSITORY, name));
  }

  /** Whether events about {@code repository} (null: about no repository) are this scope's. */
  public boolean covers(RepositoryName repository) {
    return switch (kind) {
      case GLOBAL -> true;
      case NAMESPACE -> repository != null && repository.value().startsWith(name + "/");
      case REPOSITORY -> repository != null && repository.value().equals(name);
    };
  }

  @Override
  public String toString() {
    return kind == Kind.GLOBAL ? "global" : kind.wireName + " " + name;
  }

  private static String abbreviate(String text) {
    if (text == null) {
      return "";
    }
    return text.length() > 64 ? text.substring(0, 64) + "…" : text;
  }
}
