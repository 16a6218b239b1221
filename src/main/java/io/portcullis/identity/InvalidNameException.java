package io.portcullis.identity;

/** A user, organization, team, robot or repository name that breaks its grammar or is reserved. */
public final class InvalidNameException extends IdentityException {
  public InvalidNameException(String message) {
    super(message);
  }
}
