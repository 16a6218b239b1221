package io.portcullis.scan.vuln;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One vulnerability record, in the shape of the OSV schema whatever its source (OSV JSON, Alpine secdb,
 * Debian security tracker). Immutable.
 *
 * @param id             the record's own id ({@code GHSA-…}, {@code ALPINE-CVE-…}, {@code DSA-…}, {@code CVE-…})
 * @param aliases        ids of the same vulnerability in other databases
 * @param upstream       ids this record was derived from (OSV {@code upstream}); treated like aliases
 * @param related        ids of related but distinct vulnerabilities (e.g. the CVEs a DSA fixes); not folded
 * @param summary        one-line summary, may be empty
 * @param details        longer description, may be empty
 * @param published      first publication, may be null
 * @param modified       last modification, may be null
 * @param withdrawn      when the record was withdrawn; a withdrawn record never matches. May be null
 * @param affected       affected packages
 * @param severity       severity vectors of the whole record (CVSS_V2/V3/V4)
 * @param severityLabel  a database's own severity word for the record ({@code database_specific.severity}
 *                       of GHSA: CRITICAL/HIGH/MODERATE/LOW), may be null
 * @param references     links
 * @param source         where the record was read from (file, zip entry), for messages; may be empty
 */
public record Advisory(
    String id,
    List<String> aliases,
    List<String> upstream,
    List<String> related,
    String summary,
    String details,
    Instant published,
    Instant modified,
    Instant withdrawn,
    List<AffectedPackage> affected,
    List<SeverityEntry> severity,
    String severityLabel,
    List<Reference> references,
    String source) {

  public Advisory {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("advisory id is blank");
    }
    aliases = copy(aliases);
    upstream = copy(upstream);
    related = copy(related);
    summary = summary == null ? "" : summary;
    details = details == null ? "" : details;
    affected = copy(affected);
    severity = copy(severity);
    references = copy(references);
    source = source == null ? "" : source;
  }

  public boolean isWithdrawn() {
    return withdrawn != null;
  }

  private static <T> List<T> copy(List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }
}
