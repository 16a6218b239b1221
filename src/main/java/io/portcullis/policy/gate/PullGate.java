package io.portcullis.policy.gate;

import io.portcullis.shared.Scope;
import io.portcullis.scan.severity.SeverityBucket;
import java.time.Instant;

/**
 * The pull gate of one scope: what a pull of an image in the scope is refused for.
 *
 * @param scope           the registry, a namespace or a repository
 * @param minSeverity     refuse images with a vulnerability in force at this severity or above; null: no such rule
 * @param refuseUnscanned refuse images without a successful scan (never scanned, queued, or failed)
 * @param updatedBy       who set it
 * @param updatedAt       when
 */
public record PullGate(Scope scope, SeverityBucket minSeverity, boolean refuseUnscanned, String updatedBy,
    Instant updatedAt) {

  /** Whether a vulnerability of {@code severity} makes this gate refuse. */
  public boolean refuses(SeverityBucket severity) {
    return minSeverity != null && severity.compareTo(minSeverity) >= 0;
  }
}
