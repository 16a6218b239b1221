package io.portcullis.identity;

/** The acting principal may not perform the operation. */
public final class ForbiddenException extends IdentityException {
  public ForbiddenException(String message) {
    super(message);
  }
}
