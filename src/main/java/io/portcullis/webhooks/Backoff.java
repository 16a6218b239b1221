package io.portcullis.webhooks;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * When a failed delivery is tried again: exponential backoff from {@code initial}, doubling per failed
 * attempt up to {@code max}, with "equal jitter" (half the delay fixed, half random) so that deliveries
 * that failed together do not come back together. A receiver's {@code Retry-After} can only lengthen
 * the delay, never beyond {@code max}.
 */
public record Backoff(Duration initial, Duration max) {
  /** 1 s, 2 s, 4 s … an hour: a receiver that is briefly away gets its events within seconds. */
  public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofHours(1));

  public Backoff {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < initial <= max");
    }
  }

  /**
   * The wait before the next attempt after {@code failedAttempts} (≥ 1) failures.
   *
   * @param retryAfter what the receiver asked for, or null
   */
  public Duration after(int failedAttempts, Duration retryAfter, RandomGenerator random) {
    if (failedAttempts < 1) {
      throw new IllegalArgumentException("at least one attempt failed");
    }
    long ceiling = max.toMillis();
    int doublings = Math.min(failedAttempts - 1, 62);
    long delay = initial.toMillis() > (ceiling >> doublings) ? ceiling : initial.toMillis() << doublings;
    long half = delay / 2;
    long jittered = delay - half + random.nextLong(half + 1);
    if (retryAfter != null) {
      jittered = Math.max(jittered, Math.min(ceiling, retryAfter.toMillis()));
    }
    return Duration.ofMillis(jittered);
  }
}
