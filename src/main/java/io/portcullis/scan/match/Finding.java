package io.portcullis.scan.match;

import io.portcullis.scan.severity.SeverityBucket;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * One vulnerability in one installed package of an image.
 *
 * @param vulnerabilityId stable primary id: the CVE when one is known, else the GHSA, else the record id
 * @param aliases         every other id of the same vulnerability (GHSA, DSA, ALPINE-…, DEBIAN-…)
 * @param link            an advisory URL from the records, or one derived from the id
 * @param packageName     the installed (binary) package name
 * @param version         the installed version
 * @param fixedVersion    the lowest version that fixes it, or null when no fix is known
 * @param ecosystem       the package's ecosystem ({@code Alpine:v3.16}, {@code Maven}, ...)
 * @param path            where in the image the package was found
 * @param layerDigest     the layer that introduced the package
 * @param severity        critical / major / minor
 * @param cvssScore       the CVSS score the severity rests on, or null if it rests on a label or nothing
 * @param cvssVector      the CVSS vector scored, or null
 * @param summary         one-line summary, may be empty
 * @param description     longer description, may be empty
 */
public record Finding(
    String vulnerabilityId,
    List<String> aliases,
    String link,
    String packageName,
    String version,
    String fixedVersion,
    String ecosystem,
    String path,
    String layerDigest,
    SeverityBucket severity,
    Double cvssScore,
    String cvssVector,
    String summary,
    String description) {

  public Finding {
    Objects.requireNonNull(vulnerabilityId, "vulnerabilityId");
    Objects.requireNonNull(severity, "severity");
    aliases = aliases == null ? List.of() : List.copyOf(aliases);
  }

  /** All ids this finding is known by, the primary first. */
  public List<String> allIds() {
    return Stream.concat(Stream.of(vulnerabilityId), aliases.stream()).toList();
  }
}
