package io.portcullis.quota;

import java.time.Instant;

/**
 * A namespace's storage quota: pushes that would take its stored bytes past {@code limitBytes} are
 * refused; crossing {@code warnPercent} of it records {@code quota.warning}.
 */
public record Quota(String namespace, long limitBytes, int warnPercent, Instant updatedAt, String updatedBy) {
  public static final int DEFAULT_WARN_PERCENT = 80;

  public Quota {
    if (limitBytes <= 0) {
      throw new IllegalArgumentException("limitBytes must be positive, not " + limitBytes);
    }
    if (warnPercent < 1 || warnPercent > 100) {
      throw new IllegalArgumentException("warnPercent must be from 1 to 100, not " + warnPercent);
    }
  }

  /** The usage at which the warning fires (rounded down; computed without overflow). */
  public long warnAtBytes() {
    return limitBytes / 100 * warnPercent + limitBytes % 100 * warnPercent / 100;
  }
}
