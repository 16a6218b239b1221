package io.portcullis.policy.gate;

/** A refused gate or allowlist operation; the reason says which answer it is, the message is fit to show the caller. */
public final class GateException extends RuntimeException {
  /** Why the operation was refused. */
  public enum Reason {
    /** No such gate or entry, or a repository the caller may not see. */
    NOT_FOUND,
    /** A value the operation cannot take. */
    INVALID,
    /** The caller sees the scope but may not manage it (or did not sign in). */
    FORBIDDEN
  }

  private final Reason reason;

  public GateException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  static GateException invalid(String message) {
    return new GateException(Reason.INVALID, message);
  }

  static GateException notFound(String message) {
    return new GateException(Reason.NOT_FOUND, message);
  }
}
