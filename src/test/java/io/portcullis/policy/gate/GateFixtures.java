package io.portcullis.policy.gate;

import io.portcullis.scan.match.Finding;
import io.portcullis.scan.severity.SeverityBucket;
import java.util.List;

/** Findings as the scanner makes them, for the gate tests. */
final class GateFixtures {
  static final String IMAGE = "sha256:" + "a".repeat(64);
  static final String INDEX = "sha256:" + "b".repeat(64);
  static final String OTHER = "sha256:" + "c".repeat(64);

  private GateFixtures() {}

  static Finding finding(String id, String alias, String pkg, String version, SeverityBucket severity) {
    return new Finding(id, alias == null ? List.of() : List.of(alias), "https://nvd.nist.gov/vuln/detail/" + id, pkg,
        version, null, "Alpine:v3.16", "lib/apk/db/installed", "sha256:" + "1".repeat(64), severity, null, null, "", "");
  }
}
