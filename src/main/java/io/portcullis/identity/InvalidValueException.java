package io.portcullis.identity;

/** Any other bad input: a short password, an unknown level, an expiry in the past, a long text. */
public final class InvalidValueException extends IdentityException {
  public InvalidValueException(String message) {
    super(message);
  }
}
