package io.portcullis.policy.gate;

import io.portcullis.shared.RepositoryName;
import java.util.Objects;

/**
 * What a pull gate or an allowlist entry applies to: the whole registry, every repository of a namespace
 * ({@code hub/…}), or one repository.
 *
 * @param kind which of the three
 * @param name the namespace or repository; empty for {@link Kind#GLOBAL}
 */
public record GateScope(Kind kind, String name) {
  public static final GateScope GLOBAL = new GateScope(Kind.GLOBAL, "");

  public GateScope {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
  }

  /** The kinds, widest first (the order gates are evaluated and reported in), spelled as API and database spell them. */
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

  /** @throws GateException (invalid) unless {@code namespace} is one repository path component */
  public static GateScope namespace(String namespace) {
    if (namespace == null || namespace.contains("/") || !RepositoryName.isValid(namespace)) {
      throw GateException.invalid("invalid namespace '" + abbreviate(namespace) + "'");
    }
    return new GateScope(Kind.NAMESPACE, namespace);
  }

  /** @throws GateException (invalid) unless {@code repository} is a valid repository name */
  public static GateScope repository(String repository) {
    if (!RepositoryName.isValid(repository)) {
      throw GateException.invalid("invalid repository name '" + abbreviate(repository) + "'");
    }
    return new GateScope(Kind.REPOSITORY, repository);
  }

  /** The scopes that apply to {@code repository}, widest first: global, its namespace (if any), itself. */
  public static java.util.List<GateScope> covering(RepositoryName repository) {
    String name = repository.value();
    int slash = name.indexOf('/');
    return slash < 0 ? java.util.List.of(GLOBAL, new GateScope(Kind.REPOSITORY, name))
        : java.util.List.of(GLOBAL, new GateScope(Kind.NAMESPACE, name.substring(0, slash)),
            new GateScope(Kind.REPOSITORY, name));
  }

  @Override
  public String toString() {
    return kind == Kind.GLOBAL ? "the registry" : kind.wireName + " " + name;
  }

  private static String abbreviate(String text) {
    if (text == null) {
      return "";
    }
    return text.length() > 64 ? text.substring(0, 64) + "…" : text;
  }
}
