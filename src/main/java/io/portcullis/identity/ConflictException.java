package io.portcullis.identity;

/** The operation contradicts the current state, e.g. deleting an organization that still has repositories. */
public final class ConflictException extends IdentityException {
  public ConflictException(String message) {
    super(message);
  }
}
