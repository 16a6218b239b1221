package io.portcullis.scan.match;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.scan.inventory.InstalledPackage;
import io.portcullis.scan.severity.SeverityBucket;
import io.portcullis.scan.vuln.Advisory;
import io.portcullis.scan.vuln.AdvisoryFormatException;
import io.portcullis.scan.vuln.AdvisoryIndex;
import io.portcullis.scan.vuln.OsvImporter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MatcherTest {

  private static Advisory osv(String json) {
    try {
      return new OsvImporter().parse(json.getBytes(StandardCharsets.UTF_8), "test");
    } catch (AdvisoryFormatException e) {
      throw new AssertionError(e);
    }
  }

  private static InstalledPackage maven(String ga, String version) {
    return new InstalledPackage("Maven", ga, version, null, null, null, List.of(), "/app/" + ga + ".jar", "sha256:l1");
  }

  private static final Advisory GHSA = osv("""
      {"id": "GHSA-jfh8-c2jp-5v3q", "aliases": ["CVE-2021-44228"], "summary": "Remote code injection in Log4j",
       "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"}],
       "affected": [{"package": {"ecosystem": "Maven", "name": "org.apache.logging.log4j:log4j-core"},
         "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.13.0"}, {"fixed": "2.15.0"}]}]}]}""");
  private static final Advisory NVD_STYLE = osv("""
      {"id": "CVE-2021-44228", "details": "Apache Log4j2 JNDI features ...",
       "affected": [{"package": {"ecosystem": "Maven", "name": "org.apache.logging.log4j:log4j-core"},
         "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.0-beta9"}, {"fixed": "2.16.0"}]}]}],
       "references": [{"type": "ADVISORY", "url": "https://logging.apache.org/log4j/2.x/security.html"}]}""");
  private static final Advisory UNFIXED = osv("""
      {"id": "GHSA-unfx-unfx-unfx", "database_specific": {"severity": "LOW"},
       "affected": [{"package": {"ecosystem": "Maven", "name": "org.apache.logging.log4j:log4j-core"},
         "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]}""");

  @Test
  void recordsOfOneVulnerabilityFoldIntoOneFindingWithTheCveAsPrimary() {
    AdvisoryIndex index = AdvisoryIndex.of(List.of(GHSA, NVD_STYLE, UNFIXED));

    List<Finding> findings = Matcher.match(List.of(maven("org.apache.logging.log4j:log4j-core", "2.14.1")), index,
        MatchOptions.DEFAULT);

    assertThat(findings).extracting(Finding::vulnerabilityId)
        .containsExactlyInAnyOrder("CVE-2021-44228", "GHSA-unfx-unfx-unfx");
    Finding log4shell = findings.stream().filter(f -> f.vulnerabilityId().equals("CVE-2021-44228")).findFirst()
        .orElseThrow();
    assertThat(log4shell.aliases()).containsExactly("GHSA-jfh8-c2jp-5v3q");
    assertThat(log4shell.fixedVersion()).isEqualTo("2.15.0");
    assertThat(log4shell.severity()).isEqualTo(SeverityBucket.CRITICAL);
    assertThat(log4shell.cvssScore()).isEqualTo(10.0);
    assertThat(log4shell.summary()).isEqualTo("Remote code injection in Log4j");
    assertThat(log4shell.description()).isEqualTo("Apache Log4j2 JNDI features ...");
    assertThat(log4shell.link()).isEqualTo("https://logging.apache.org/log4j/2.x/security.html");
    assertThat(log4shell.path()).isEqualTo("/app/org.apache.logging.log4j:log4j-core.jar");
    assertThat(log4shell.layerDigest()).isEqualTo("sha256:l1");
  }

  @Test
  void fixableOnlyLeavesOutVulnerabilitiesWithoutAFix() {
    AdvisoryIndex index = AdvisoryIndex.of(List.of(GHSA, UNFIXED));

    List<Finding> findings = Matcher.match(List.of(maven("org.apache.logging.log4j:log4j-core", "2.14.1")), index,
        MatchOptions.FIXABLE_ONLY);

    assertThat(findings).extracting(Finding::vulnerabilityId).containsExactly("CVE-2021-44228");
  }

  @Test
  void distributionPackagesMatchBySourcePackageAndSourceVersion() {
    Advisory debian = osv("""
        {"id": "DEBIAN-CVE-2023-4911", "upstream": ["CVE-2023-4911"],
         "affected": [{"package": {"ecosystem": "Debian:12", "name": "glibc"},
           "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.36-9+deb12u3"}]}],
           "ecosystem_specific": {"urgency": "high"}}]}""");
    AdvisoryIndex index = AdvisoryIndex.of(List.of(debian));
    InstalledPackage libc6 = new InstalledPackage("Debian:12", "libc6", "2.36-9+deb12u1", "glibc", "2.36-9+deb12u1",
        null, List.of(), "/var/lib/dpkg/status", "sha256:l0");
    InstalledPackage bash = new InstalledPackage("Debian:12", "bash", "5.2.15-2+b2", "bash", "5.2.15-2",
        null, List.of(), "/var/lib/dpkg/status", "sha256:l0");

    List<Finding> findings = Matcher.match(List.of(libc6, bash), index, MatchOptions.DEFAULT);

    assertThat(findings).singleElement().satisfies(f -> {
      assertThat(f.packageName()).isEqualTo("libc6");
      assertThat(f.vulnerabilityId()).isEqualTo("CVE-2023-4911");
      assertThat(f.aliases()).containsExactly("DEBIAN-CVE-2023-4911");
      assertThat(f.severity()).isEqualTo(SeverityBucket.MAJOR);
      assertThat(f.cvssScore()).isNull();
      assertThat(f.link()).isEqualTo("https://nvd.nist.gov/vuln/detail/CVE-2023-4911");
    });
  }

  @Test
  void aPackageWithAnUnparseableVersionIsSkippedNotFatal() {
    Advisory leftPad = osv("""
        {"id": "GHSA-left-padx-xxxx", "affected": [{"package": {"ecosystem": "npm", "name": "left-pad"},
          "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}""");
    AdvisoryIndex index = AdvisoryIndex.of(List.of(GHSA, leftPad));

    List<Finding> findings = Matcher.match(List.of(
        new InstalledPackage("npm", "left-pad", "not a version", null, null, null, List.of(), "/p", "sha256:x"),
        maven("org.apache.logging.log4j:log4j-core", "2.14.1")), index, MatchOptions.DEFAULT);

    assertThat(findings).extracting(Finding::vulnerabilityId).containsExactly("CVE-2021-44228");
  }

  @Test
  void countsAreOfDistinctVulnerabilitiesAtTheirWorstSeverity() {
    Finding a1 = finding("CVE-1", SeverityBucket.MINOR);
    Finding a2 = finding("CVE-1", SeverityBucket.CRITICAL);
    Finding b = finding("CVE-2", SeverityBucket.MAJOR);
    Finding c = finding("CVE-3", SeverityBucket.MINOR);

    assertThat(SeverityCounts.of(List.of(a1, a2, b, c))).isEqualTo(new SeverityCounts(1, 1, 1, 3));
    assertThat(SeverityCounts.of(List.of())).isEqualTo(SeverityCounts.NONE);
  }

  @Test
  void linksAreDerivedFromIdsWhenRecordsHaveNone() {
    assertThat(Matcher.derivedLink("GHSA-abcd-efgh-ijkl")).isEqualTo("https://github.com/advisories/GHSA-abcd-efgh-ijkl");
    assertThat(Matcher.derivedLink("DEBIAN-CVE-2011-3374"))
        .isEqualTo("https://security-tracker.debian.org/tracker/CVE-2011-3374");
    assertThat(Matcher.derivedLink("ALPINE-13661")).isEqualTo("https://osv.dev/vulnerability/ALPINE-13661");
  }

  private static Finding finding(String id, SeverityBucket bucket) {
    return new Finding(id, List.of(), null, "p", "1", null, "npm", "/p", "sha256:x", bucket, null, null, "", "");
  }
}
