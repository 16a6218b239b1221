package io.portcullis.webhooks;

import io.portcullis.shared.RepositoryName;
import java.util.Objects;

/**
 * What a webhook watches: the whole registry, every repository of one namespace (a user's or an
 * organization's, {@code acme/…}), or one repository.
 *
 * @param kind which of the three
 * @param name the namespace or repository; empty for {@link Kind#GLOBAL}
 */
public record WebhookScope(Kind kind, String name) {
  public static final WebhookScope GLOBAL = new WebhookScope(Kind.GLOBAL, "");

  public WebhookScope {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
  }

  /** The three kinds of scope, spelled as the API and the database spell them. */
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
      throw new IllegalArgumentException("unknown webhook scope " + name);
    }
  }

  /** @throws WebhookException (invalid) unless {@code namespace} is one repository path component */
  public static WebhookScope namespace(String namespace) {
    if (namespace == null || namespace.contains("/") || !RepositoryName.isValid(namespace)) {
      throw WebhookException.invalid("invalid namespace '" + abbreviate(namespace) + "'");
    }
    return new WebhookScope(Kind.NAMESPACE, namespace);
  }

  /** @throws WebhookException (invalid) unless {@code repository} is a valid repository name */
  public static WebhookScope repository(String repository) {
    if (!RepositoryName.isValid(repository)) {
      throw WebhookException.invalid("invalid repository name '" + abbreviate(repository) + "'");
    }
    return new WebhookScope(Kind.REPOSITORY, repository);
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
