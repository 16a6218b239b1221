package io.portcullis.auth.login;

/** A stored password hash is not an Argon2id PHC string this hasher can check, or its parameters are out of range. */
public final class InvalidPasswordHashException extends IllegalArgumentException {
  public InvalidPasswordHashException(String message) {
    super(message);
  }
}
