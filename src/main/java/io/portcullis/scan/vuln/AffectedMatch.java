package io.portcullis.scan.vuln;

/**
 * One advisory entry whose ranges or version list contain an installed version.
 *
 * @param advisory     the matching record
 * @param affected     the affected-package entry that matched
 * @param group        the vulnerability the record belongs to
 * @param fixedVersion the first fixed version above the installed one in the matching range, or null when
 *                     the record knows no fix
 */
public record AffectedMatch(Advisory advisory, AffectedPackage affected, VulnerabilityGroup group,
    String fixedVersion) {}
