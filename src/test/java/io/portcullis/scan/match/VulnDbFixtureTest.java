package io.portcullis.scan.match;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.scan.severity.SeverityBucket;
import io.portcullis.scan.vuln.AdvisoryIndex;
import io.portcullis.scan.vuln.AlpineSecdbImporter;
import io.portcullis.scan.vuln.DebianTrackerImporter;
import io.portcullis.scan.vuln.ImportProgress;
import io.portcullis.scan.vuln.OsvImporter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Known answers of shared/fixtures/EXPECTED.md: the fixture images' packages against the fixture vulndb,
 * once through the converted OSV records and once through the verbatim Alpine secdb and Debian tracker
 * sources (GHSA exists only as OSV and is imported as such in both).
 */
class VulnDbFixtureTest {

  private static AdvisoryIndex osvIndex;
  private static AdvisoryIndex sourceIndex;

  @BeforeAll
  static void importVulndb() throws IOException {
    Path vulndb = FixtureImages.vulndb();
    OsvImporter osv = new OsvImporter();

    AdvisoryIndex.Builder fromOsv = AdvisoryIndex.builder();
    long osvRecords = osv.importDirectory(vulndb.resolve("alpine/osv"), fromOsv, ImportProgress.NONE)
        + osv.importDirectory(vulndb.resolve("debian/osv"), fromOsv, ImportProgress.NONE)
        + osv.importDirectory(vulndb.resolve("ghsa"), fromOsv, ImportProgress.NONE);
    assertThat(osvRecords).isEqualTo(70);
    osvIndex = fromOsv.build();

    AdvisoryIndex.Builder fromSources = AdvisoryIndex.builder();
    new AlpineSecdbImporter().importPath(vulndb.resolve("alpine/secdb-src"), fromSources, ImportProgress.NONE);
    new DebianTrackerImporter().importPath(vulndb.resolve("debian/tracker-src"), fromSources, ImportProgress.NONE);
    osv.importDirectory(vulndb.resolve("ghsa"), fromSources, ImportProgress.NONE);
    sourceIndex = fromSources.build();

    assertThat(osvIndex.problems()).isEmpty();
    assertThat(sourceIndex.problems()).isEmpty();
  }

  static Stream<Arguments> indexes() {
    return Stream.of(Arguments.of("osv", osvIndex), Arguments.of("sources", sourceIndex));
  }

  private static final Map<String, Set<String>> ALPINE_EXPECTED = Map.of(
      "busybox", Set.of("CVE-2023-42366"),
      "ssl_client", Set.of("CVE-2023-42366"),
      "musl", Set.of("CVE-2025-26519"),
      "musl-utils", Set.of("CVE-2025-26519"));

  @ParameterizedTest(name = "{0}")
  @MethodSource("indexes")
  void alpineReportsExactlyTheTwoSecdbFixesInTheirBinaryPackages(String name, AdvisoryIndex index) {
    List<Finding> findings = Matcher.match(FixtureImages.alpine316(), index, MatchOptions.DEFAULT);

    assertThat(byPackage(findings)).isEqualTo(ALPINE_EXPECTED);
    assertThat(findings).allSatisfy(f -> {
      assertThat(f.aliases()).contains("ALPINE-" + f.vulnerabilityId());
      assertThat(f.ecosystem()).isEqualTo("Alpine:v3.16");
      assertThat(f.layerDigest()).isEqualTo(FixtureImages.ALPINE_L0);
      // secdb has no severity and nothing in this vulndb aliases these CVEs with a vector
      assertThat(f.severity()).isEqualTo(SeverityBucket.MINOR);
      assertThat(f.cvssScore()).isNull();
    });
    assertThat(findings).filteredOn(f -> f.packageName().equals("busybox"))
        .singleElement().satisfies(f -> assertThat(f.fixedVersion()).isEqualTo("1.35.0-r18"));
    assertThat(findings).filteredOn(f -> f.packageName().equals("musl"))
        .singleElement().satisfies(f -> assertThat(f.fixedVersion()).isEqualTo("1.2.3-r4"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("indexes")
  void alpineBoundaryAndNeverAffectedEntriesStaySilent(String name, AdvisoryIndex index) {
    Set<String> reported = allIds(Matcher.match(FixtureImages.alpine316(), index, MatchOptions.DEFAULT));

    assertThat(reported).doesNotContain("ALPINE-CVE-2023-5678", "CVE-2023-5678", "ALPINE-13661",
        "CVE-2022-30065", "ALPINE-CVE-2022-37434", "ALPINE-CVE-2021-30139");
    // secdb "fixed in 0": never affected, not a vulnerability at all
    for (String id : List.of("CVE-2021-42373", "CVE-2021-42376", "CVE-2021-42377", "CVE-2022-1292",
        "CVE-2022-2068", "CVE-2023-4807", "CVE-2023-45853", "CVE-2023-6992")) {
      assertThat(reported).doesNotContain(id);
      assertThat(index.advisory("ALPINE-" + id)).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("indexes")
  void debianReportsTheUnfixedAptIssueOnlyWhenUnfixedAreWanted(String name, AdvisoryIndex index) {
    List<Finding> all = Matcher.match(FixtureImages.debianBookworm(), index, MatchOptions.DEFAULT);

    assertThat(byPackage(all)).isEqualTo(Map.of(
        "apt", Set.of("CVE-2011-3374"),
        "libapt-pkg6.0", Set.of("CVE-2011-3374")));
    assertThat(all).allSatisfy(f -> {
      assertThat(f.aliases()).contains("DEBIAN-CVE-2011-3374");
      assertThat(f.fixedVersion()).isNull();
      assertThat(f.severity()).isEqualTo(SeverityBucket.MINOR);
      assertThat(f.link()).isEqualTo("https://security-tracker.debian.org/tracker/CVE-2011-3374");
    });
    assertThat(allIds(all)).doesNotContain("DSA-5678-1", "CVE-2024-33599");

    assertThat(Matcher.match(FixtureImages.debianBookworm(), index, MatchOptions.FIXABLE_ONLY)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("indexes")
  void javaAppReportsTheTwelveMavenPairsPlusTheAlpineBase(String name, AdvisoryIndex index) {
    List<Finding> findings = Matcher.match(FixtureImages.javaApp(), index, MatchOptions.DEFAULT);

    Set<String> log4j = Set.of("CVE-2021-44228", "CVE-2021-45046", "CVE-2021-45105");
    Map<String, Set<String>> expected = new TreeMap<>(Map.of(
        "/opt/app/lib/log4j-core-2.14.1.jar", log4j,
        "/opt/app/lib/jackson-databind-2.9.8.jar", Set.of("CVE-2020-36518", "CVE-2022-42003"),
        "/opt/app/lib/commons-text-1.9.jar", Set.of("CVE-2022-42889"),
        "/opt/app/lib/spring-beans-5.3.17.jar", Set.of("CVE-2022-22965", "CVE-2022-22970"),
        "/opt/app/shaded-app-1.0.0.jar", log4j,
        "/opt/app/nested-app-1.0.0.jar!/BOOT-INF/lib/commons-text-1.9.jar", Set.of("CVE-2022-42889")));
    Map<String, Set<String>> maven = new TreeMap<>();
    findings.stream().filter(f -> f.ecosystem().equals("Maven"))
        .forEach(f -> maven.computeIfAbsent(f.path(), k -> new TreeSet<>()).add(f.vulnerabilityId()));

    assertThat(maven).isEqualTo(expected);
    assertThat(findings).filteredOn(f -> f.ecosystem().equals("Maven")).hasSize(12);
    assertThat(findings).filteredOn(f -> f.ecosystem().startsWith("Alpine")).hasSize(4);
    assertThat(findings).filteredOn(f -> f.path().startsWith("/opt/app/shaded"))
        .allSatisfy(f -> assertThat(f.packageName()).isEqualTo("org.apache.logging.log4j:log4j-core"));
    // boundary: fixed 2.9.8 == installed
    assertThat(allIds(findings)).doesNotContain("GHSA-f9hv-mg5h-xcw9", "CVE-2018-19360", "GHSA-6gf2-pvqw-37ph");
  }

  @Test
  void ghsaFindingsCarryScoredVectorsFixesAndLinks() {
    List<Finding> findings = Matcher.match(FixtureImages.javaApp(), osvIndex, MatchOptions.DEFAULT);

    Finding log4shell = only(findings, "/opt/app/lib/log4j-core-2.14.1.jar", "CVE-2021-44228");
    assertThat(log4shell.severity()).isEqualTo(SeverityBucket.CRITICAL);
    assertThat(log4shell.cvssScore()).isEqualTo(10.0);
    assertThat(log4shell.aliases()).containsExactly("GHSA-jfh8-c2jp-5v3q");
    assertThat(log4shell.fixedVersion()).isEqualTo("2.15.0");
    assertThat(log4shell.link()).isEqualTo("https://nvd.nist.gov/vuln/detail/CVE-2021-44228");
    assertThat(log4shell.summary()).isNotBlank();

    Finding dos = only(findings, "/opt/app/lib/log4j-core-2.14.1.jar", "CVE-2021-45105");
    assertThat(dos.cvssScore()).isEqualTo(8.6);
    assertThat(dos.cvssVector()).isEqualTo("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:H");
    assertThat(dos.severity()).isEqualTo(SeverityBucket.MAJOR);

    Finding textShell = only(findings, "/opt/app/lib/commons-text-1.9.jar", "CVE-2022-42889");
    assertThat(textShell.severity()).isEqualTo(SeverityBucket.CRITICAL);
    assertThat(textShell.cvssScore()).isEqualTo(9.8);

    Finding jackson = only(findings, "/opt/app/lib/jackson-databind-2.9.8.jar", "CVE-2022-42003");
    assertThat(jackson.severity()).isEqualTo(SeverityBucket.MAJOR);
    assertThat(jackson.fixedVersion()).isEqualTo("2.12.7.1");

    assertThat(SeverityCounts.of(findings)).isEqualTo(new SeverityCounts(4, 4, 2, 10));
  }

  private static Finding only(List<Finding> findings, String path, String id) {
    return findings.stream().filter(f -> f.path().equals(path) && f.vulnerabilityId().equals(id))
        .reduce((a, b) -> {
          throw new AssertionError("duplicate finding " + id + " at " + path);
        })
        .orElseThrow(() -> new AssertionError("no finding " + id + " at " + path));
  }

  private static Map<String, Set<String>> byPackage(List<Finding> findings) {
    Map<String, Set<String>> out = new TreeMap<>();
    findings.forEach(f -> out.computeIfAbsent(f.packageName(), k -> new TreeSet<>()).add(f.vulnerabilityId()));
    return out;
  }

  private static Set<String> allIds(List<Finding> findings) {
    Set<String> ids = new TreeSet<>();
    findings.forEach(f -> ids.addAll(f.allIds()));
    return ids;
  }

}
