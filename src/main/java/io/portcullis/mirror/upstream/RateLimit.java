package io.portcullis.mirror.upstream;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * A request budget an upstream announced: {@code RateLimit-Limit} / {@code RateLimit-Remaining} /
 * {@code RateLimit-Reset} (the IETF draft), or Docker Hub's {@code ratelimit-limit: 100;w=21600} where
 * {@code w} is the window in seconds. Header names are case-insensitive, so both spellings are one.
 *
 * @param window the budget's window when announced (zero when not)
 * @param reset  when the budget refills, when announced (null when not)
 */
public record RateLimit(long limit, long remaining, Duration window, Instant reset, Instant seenAt) {
  /** Whether no request is left in the window. */
  public boolean spent() {
    return remaining <= 0;
  }

  /**
   * When the budget can be expected back: the announced reset, otherwise one window after it was
   * seen spent, otherwise null (nothing announced to wait for).
   */
  public Instant refillsAt() {
    if (reset != null) {
      return reset;
    }
    return window.isZero() ? null : seenAt.plus(window);
  }

  /** The budget in a response's headers; empty when it announced none (or nonsense). */
  public static Optional<RateLimit> parse(Function<String, Optional<String>> header, Instant now) {
    Optional<String> limit = header.apply("ratelimit-limit");
    Optional<String> remaining = header.apply("ratelimit-remaining");
    if (limit.isEmpty() || remaining.isEmpty()) {
      return Optional.empty();
    }
    try {
      Quota l = Quota.parse(limit.get());
      Quota r = Quota.parse(remaining.get());
      Duration window = Duration.ofSeconds(r.window > 0 ? r.window : l.window);
      Instant reset = header.apply("ratelimit-reset")
          .map(s -> now.plusSeconds(Long.parseLong(s.strip())))
          .orElse(null);
      return Optional.of(new RateLimit(l.value, r.value, window, reset, now));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** {@code 100} or {@code 100;w=21600}; of a list (the draft allows several policies) the first. */
  private record Quota(long value, long window) {
    static Quota parse(String text) {
      String first = text.split(",")[0];
      String[] parts = first.split(";");
      long value = Long.parseLong(parts[0].strip());
      long window = 0;
      for (int i = 1; i < parts.length; i++) {
        String p = parts[i].strip();
        if (p.startsWith("w=")) {
          window = Long.parseLong(p.substring(2).strip());
        }
      }
      if (value < 0 || window < 0) {
        throw new NumberFormatException("negative quota: " + text);
      }
      return new Quota(value, window);
    }
  }
}
