package io.portcullis.repository;

import io.portcullis.shared.RepositoryName;

/**
 * A refused repository operation. The kind says why, so the REST edge maps each to one problem status
 * without parsing messages; the message is fit to show to the caller.
 */
public final class RepositoryException extends RuntimeException {
  /** Why the operation was refused. */
  public enum Kind { NOT_FOUND, ALREADY_EXISTS, INVALID }

  private final Kind kind;

  private RepositoryException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  static RepositoryException notFound(RepositoryName repository) {
    return new RepositoryException(Kind.NOT_FOUND, "repository '" + repository + "' not found");
  }

  static RepositoryException notFound(String message) {
    return new RepositoryException(Kind.NOT_FOUND, message);
  }

  static RepositoryException conflict(String message) {
    return new RepositoryException(Kind.ALREADY_EXISTS, message);
  }

  static RepositoryException alreadyExists(RepositoryName repository) {
    return new RepositoryException(Kind.ALREADY_EXISTS, "repository '" + repository + "' already exists");
  }

  static RepositoryException invalid(String message) {
    return new RepositoryException(Kind.INVALID, message);
  }
}
