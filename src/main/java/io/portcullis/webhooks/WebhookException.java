package io.portcullis.webhooks;

/** A refused webhook operation; the reason says which answer it is, the message is fit to show the caller. */
public final class WebhookException extends RuntimeException {
  /** Why the operation was refused. */
  public enum Reason {
    /** No such webhook or delivery, or one the caller may not see. */
    NOT_FOUND,
    /** A value the operation cannot take (a URL, an event type, a length). */
    INVALID,
    /** The caller sees the scope but may not manage its webhooks (or did not sign in). */
    FORBIDDEN,
    /** The operation contradicts the current state (too many webhooks, redelivery to a disabled one). */
    CONFLICT
  }

  private final Reason reason;

  public WebhookException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  static WebhookException invalid(String message) {
    return new WebhookException(Reason.INVALID, message);
  }

  static WebhookException notFound(String message) {
    return new WebhookException(Reason.NOT_FOUND, message);
  }
}
