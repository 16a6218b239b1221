package io.portcullis.policy;

/** A refused policy operation; the kind decides the REST status (web.ErrorModel), the message is for the caller. */
public final class PolicyException extends RuntimeException {
  public enum Kind { NOT_FOUND, INVALID, FORBIDDEN }

  private final Kind kind;

  PolicyException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
