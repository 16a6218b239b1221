package io.portcullis.scan.vuln;

import java.util.List;
import java.util.Objects;

/**
 * One package an advisory affects (OSV {@code affected[]} entry).
 *
 * @param ecosystem     OSV ecosystem as written in the record ({@code Alpine:v3.16}, {@code Maven}, ...)
 * @param name          package name as written in the record (distributions: the source package)
 * @param purl          package URL if the record gives one, else null
 * @param ranges        affected version ranges
 * @param versions      explicitly enumerated affected versions
 * @param severity      severity vectors specific to this package (OSV {@code affected[].severity})
 * @param severityLabel the source's own severity word for this package (Debian tracker urgency,
 *                      {@code ecosystem_specific.severity}), may be null
 */
public record AffectedPackage(
    String ecosystem,
    String name,
    String purl,
    List<VersionRange> ranges,
    List<String> versions,
    List<SeverityEntry> severity,
    String severityLabel) {

  public AffectedPackage {
    Objects.requireNonNull(ecosystem, "ecosystem");
    Objects.requireNonNull(name, "name");
    ranges = ranges == null ? List.of() : List.copyOf(ranges);
    versions = versions == null ? List.of() : List.copyOf(versions);
    severity = severity == null ? List.of() : List.copyOf(severity);
  }
}
