package io.portcullis.policy.gate;

import io.portcullis.shared.Scope;
import io.portcullis.scan.match.Finding;
import java.time.Instant;

/**
 * An accepted risk: a vulnerability (optionally only in one package) that does not count against images
 * in the scope until the entry expires.
 *
 * @param vulnerabilityId matched against every id of a finding (primary and aliases), ignoring case
 * @param packageName     only findings in this installed package; null: in any package
 * @param expiresAt       from this instant on the entry no longer applies
 */
public record AllowlistEntry(long id, Scope scope, String vulnerabilityId, String packageName, Instant expiresAt,
    String justification, String createdBy, Instant createdAt) {

  public boolean expired(Instant now) {
    return !now.isBefore(expiresAt);
  }

  /** Whether the entry exempts {@code finding} at {@code now}. */
  public boolean covers(Finding finding, Instant now) {
    return !expired(now) && (packageName == null || packageName.equals(finding.packageName()))
        && finding.allIds().stream().anyMatch(vulnerabilityId::equalsIgnoreCase);
  }
}
