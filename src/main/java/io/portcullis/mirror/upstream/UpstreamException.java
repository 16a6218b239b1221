package io.portcullis.mirror.upstream;

import java.time.Instant;

/** A request to an upstream that failed for good (after retries); the message says what and why. */
public class UpstreamException extends RuntimeException {
  private final int status;

  public UpstreamException(String message, int status) {
    super(message);
    this.status = status;
  }

  public UpstreamException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
  }

  /** The HTTP status that ended it; 0 when no response came (connection, TLS, timeout). */
  public int status() {
    return status;
  }

  /** The content received does not match its digest (or size): hostile or broken, never retried. */
  public static final class Corrupt extends UpstreamException {
    public Corrupt(String message) {
      super(message, 0);
    }
  }

  /**
   * The upstream's request budget is spent until {@code until}: it answered 429 with a longer
   * {@code Retry-After} than a request waits, or announced no requests remaining.
   */
  public static final class RateLimited extends UpstreamException {
    private final Instant until;

    public RateLimited(String message, Instant until) {
      super(message, 429);
      this.until = until;
    }

    public Instant until() {
      return until;
    }
  }
}
