package io.portcullis.identity;

/**
 * A refused identity operation. The subclasses say why, so the REST edge can map each to one
 * problem type and status without parsing messages; the message is fit to show to the caller.
 */
public abstract sealed class IdentityException extends RuntimeException
    permits NotFoundException, AlreadyExistsException, InvalidNameException, InvalidValueException,
        ForbiddenException, ConflictException {

  IdentityException(String message) {
    super(message);
  }
}
