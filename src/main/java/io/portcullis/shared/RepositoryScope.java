package io.portcullis.shared;

/**
 * What a rule applies to: one repository ({@code hub/alpine}) or every repository of a namespace and
 * below it ({@code hub/*}).
 */
public record RepositoryScope(String value) {
  private static final String ALL_BELOW = "/*";

  /** @throws IllegalArgumentException unless a repository name or a namespace followed by {@code /*} */
  public RepositoryScope {
    if (value == null || !RepositoryName.isValid(value.endsWith(ALL_BELOW) ? prefix(value) : value)) {
      throw new IllegalArgumentException("'" + value + "' is neither a repository name (hub/alpine) nor a namespace"
          + " pattern (hub/*)");
    }
  }

  public static RepositoryScope of(RepositoryName repository) {
    return new RepositoryScope(repository.value());
  }

  /** Whether the scope is a namespace (or deeper path) pattern rather than one repository. */
  public boolean isPattern() {
    return value.endsWith(ALL_BELOW);
  }

  /** The path every repository in scope starts with: the repository itself, or the namespace. */
  public String path() {
    return isPattern() ? prefix(value) : value;
  }

  public boolean contains(RepositoryName repository) {
    return isPattern() ? repository.value().startsWith(path() + "/") : repository.value().equals(value);
  }

  /** For a pattern, the part of the repository's name below the scope's path ({@code alpine} of {@code hub/alpine}). */
  public String below(RepositoryName repository) {
    return isPattern() ? repository.value().substring(path().length() + 1) : repository.value();
  }

  private static String prefix(String pattern) {
    return pattern.substring(0, pattern.length() - ALL_BELOW.length());
  }

  @Override
  public String toString() {
    return value;
  }
}
