package io.portcullis.scan.match;

import io.portcullis.scan.severity.SeverityBucket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-image totals by severity, counting distinct vulnerabilities: a CVE present in three packages
 * counts once, at the highest severity any of its findings has.
 */
public record SeverityCounts(int critical, int major, int minor, int total) {

  public static final SeverityCounts NONE = new SeverityCounts(0, 0, 0, 0);

  public static SeverityCounts of(List<Finding> findings) {
    Map<String, SeverityBucket> worst = new HashMap<>();
    for (Finding f : findings) {
      worst.merge(f.vulnerabilityId(), f.severity(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
    }
    int critical = 0;
    int major = 0;
    int minor = 0;
    for (SeverityBucket bucket : worst.values()) {
      switch (bucket) {
        case CRITICAL -> critical++;
        case MAJOR -> major++;
        case MINOR -> minor++;
      }
    }
    return new SeverityCounts(critical, major, minor, worst.size());
  }
}
