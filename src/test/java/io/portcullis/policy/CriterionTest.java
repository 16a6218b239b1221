package io.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.scan.ImageScan;
import io.portcullis.scan.inventory.InstalledPackage;
import io.portcullis.scan.match.SeverityCounts;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.RepositoryScope;
import io.portcullis.shared.Tag;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CriterionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  private static final String DIGEST = "sha256:" + "a".repeat(64);

  private static ImageScan scan(SeverityCounts counts, Instant matched) {
    return new ImageScan(DIGEST, ImageScan.SUCCEEDED, null, List.of(), List.of(), "Alpine:v3.16", 1, counts, List.of(),
        matched.toEpochMilli(), matched.toEpochMilli());
  }

  private static InstalledPackage pkg(String name, String version, String... licenses) {
    return new InstalledPackage("Alpine:v3.16", name, version, null, null, null, List.of(licenses), "/lib/apk/db/installed",
        "sha256:" + "b".repeat(64));
  }

  private static Candidate candidate(String tag, ImageFacts... images) {
    return new Candidate(RepositoryName.of("hub/alpine"), new Tag(tag), Digest.parse(DIGEST),
        "application/vnd.oci.image.manifest.v1+json", List.of(images), NOW);
  }

  private static ImageFacts image(String platform, SeverityCounts counts, InstalledPackage... packages) {
    return new ImageFacts(DIGEST, platform, scan(counts, NOW.minusSeconds(600)), () -> List.of(packages));
  }

  @Test
  void vulnerabilityCountsCompareWithEveryOperatorAndSeverity() {
    Candidate c = candidate("3.16", image(null, new SeverityCounts(0, 2, 5, 7)));
    assertThat(new Criterion.Vulnerabilities(Criterion.Severity.CRITICAL, Comparison.EQ, 0).check(c).passed()).isTrue();
    assertThat(new Criterion.Vulnerabilities(Criterion.Severity.MAJOR, Comparison.EQ, 0).check(c).passed()).isFalse();
    assertThat(new Criterion.Vulnerabilities(Criterion.Severity.MAJOR, Comparison.LE, 2).check(c).passed()).isTrue();
    assertThat(new Criterion.Vulnerabilities(Criterion.Severity.MAJOR, Comparison.LT, 2).check(c).passed()).isFalse();
    assertThat(new Criterion.Vulnerabilities(Criterion.Severity.MINOR, Comparison.GT, 4).check(c).passed()).isTrue();
    assertThat(new Criterion.Vulnerabilities(Criterion.Severity.MINOR, Comparison.GE, 6).check(c).passed()).isFalse();
    assertThat(new Criterion.Vulnerabilities(Criterion.Severity.ALL, Comparison.NE, 7).check(c).passed()).isFalse();
    assertThat(new Criterion.Vulnerabilities(Criterion.Severity.ALL, Comparison.NE, 0).check(c).passed()).isTrue();
    assertThat(new Criterion.Vulnerabilities(Criterion.Severity.MAJOR, Comparison.EQ, 0).check(c).reason())
        .isEqualTo(DIGEST + ": 2 major (wanted major = 0)");
  }

  @Test
  void comparisonsReadBothSpellings() {
    assertThat(Comparison.parse("≤")).isEqualTo(Comparison.LE);
    assertThat(Comparison.parse("<=")).isEqualTo(Comparison.LE);
    assertThat(Comparison.parse("≠")).isEqualTo(Comparison.NE);
    assertThat(Comparison.parse("==")).isEqualTo(Comparison.EQ);
    assertThatThrownBy(() -> Comparison.parse("=<")).hasMessageContaining("op '=<'");
  }

  @Test
  void anIndexPassesOnlyWhenEveryPlatformDoesAndAnUnscannedImageFails() {
    Candidate mixed = candidate("3.16", image("linux/amd64", SeverityCounts.NONE),
        image("linux/arm64", new SeverityCounts(1, 0, 0, 1)));
    Criterion.Check check = new Criterion.Vulnerabilities(Criterion.Severity.CRITICAL, Comparison.EQ, 0).check(mixed);
    assertThat(check.passed()).isFalse();
    assertThat(check.reason()).contains("linux/amd64: 0 critical").contains("linux/arm64: 1 critical");

    Candidate unscanned = candidate("1", new ImageFacts(DIGEST, null, null, List::of));
    Criterion.Check none = new Criterion.Vulnerabilities(Criterion.Severity.ALL, Comparison.GE, 0).check(unscanned);
    assertThat(none.passed()).isFalse();
    assertThat(none.reason()).endsWith("not scanned yet");
  }

  @Test
  void tagsMatchGlobsAndWholeRegexes() {
    assertThat(new Criterion.TagMatches("3.*", null).check(candidate("3.16")).passed()).isTrue();
    assertThat(new Criterion.TagMatches("3.?", null).check(candidate("3.16")).passed()).isFalse();
    assertThat(new Criterion.TagMatches(null, "[0-9]+\\.[0-9]+").check(candidate("3.16")).passed()).isTrue();
    assertThat(new Criterion.TagMatches(null, "[0-9]+").check(candidate("3.16")).passed()).isFalse();
    assertThat(new Criterion.TagMatches("*", null).needsScan()).isFalse();
    assertThatThrownBy(() -> new Criterion.TagMatches(null, "(")).hasMessageContaining("not valid");
  }

  @Test
  void packagesPresentOrAbsentWithVersionRangesInTheEcosystemsOrder() {
    Candidate c = candidate("1", image(null, SeverityCounts.NONE, pkg("busybox", "1.35.0-r17"), pkg("musl", "1.2.3-r3")));
    assertThat(new Criterion.Package("busybox", true, null).check(c).passed()).isTrue();
    assertThat(new Criterion.Package("busybox", false, null).check(c).passed()).isFalse();
    assertThat(new Criterion.Package("bash", false, null).check(c).passed()).isTrue();
    // apk order: -r17 > -r9 although "r17" < "r9" as text.
    assertThat(new Criterion.Package("busybox", false, PackageVersions.parse("<1.35.0-r9")).check(c).passed()).isTrue();
    assertThat(new Criterion.Package("busybox", true, PackageVersions.parse(">=1.35.0-r9, <1.35.0-r18")).check(c)
        .passed()).isTrue();
    assertThat(new Criterion.Package("musl", true, PackageVersions.parse("=1.2.3-r4")).check(c).passed()).isFalse();
    assertThatThrownBy(() -> PackageVersions.parse("~1.2")).hasMessageContaining("'~1.2' is not an operator");
  }

  @Test
  void licensesAllowedOrDeniedBySpdxIdsOfExpressions() {
    Candidate c = candidate("1", image(null, SeverityCounts.NONE, pkg("a", "1", "MIT"), pkg("b", "1", "GPL-2.0-only OR MIT"),
        pkg("c", "1")));
    assertThat(new Criterion.Licenses(Set.of("MIT", "GPL-2.0-only"), null).check(c).passed()).isTrue();
    Criterion.Check denied = new Criterion.Licenses(null, Set.of("GPL-2.0-only")).check(c);
    assertThat(denied.passed()).isFalse();
    assertThat(denied.reason()).contains("GPL-2.0-only (b)");
    assertThat(new Criterion.Licenses(Set.of("MIT"), null).check(c).passed()).isFalse();
    assertThatThrownBy(() -> new Criterion.Licenses(Set.of("MIT"), Set.of("GPL-2.0-only")))
        .hasMessageContaining("exactly one");
  }

  @Test
  void scanAgeIsTheTimeSinceTheFindingsWereMatched() {
    Candidate tenMinutes = candidate("1", image(null, SeverityCounts.NONE));
    assertThat(new Criterion.ScanAge(Duration.ofMinutes(15)).check(tenMinutes).passed()).isTrue();
    assertThat(new Criterion.ScanAge(Duration.ofMinutes(5)).check(tenMinutes).passed()).isFalse();
  }

  @Test
  void criteriaRoundTripThroughTheirJsonAndBadOnesAreNamed() throws Exception {
    String body = "[{\"type\":\"tag\",\"glob\":\"v*\"},{\"type\":\"vulnerabilities\",\"severity\":\"critical\",\"op\":\"=\","
        + "\"count\":0},{\"type\":\"package\",\"name\":\"openssl\",\"present\":false,\"versions\":\"<3.0.7\"},"
        + "{\"type\":\"license\",\"denied\":[\"AGPL-3.0-only\"]},{\"type\":\"scanAge\",\"max\":\"PT12H\"}]";
    List<Criterion> criteria = PolicyDefinition.criteria(JSON.readTree(body));
    PolicyDefinition definition = new PolicyDefinition(criteria, "official/{name}", TagTemplate.SAME, false);
    assertThat(JSON.readTree(definition.criteriaJson(JSON).toString())).isEqualTo(JSON.readTree(body));
    assertThat(PolicyDefinition.fromJson(JSON, definition.toJson(JSON))).isEqualTo(definition);
    assertThat(definition.needsScan()).isTrue();

    assertThatThrownBy(() -> PolicyDefinition.criteria(JSON.readTree("[{\"type\":\"tag\",\"glob\":\"*\"},"
        + "{\"type\":\"vulnerabilities\",\"severity\":\"high\",\"op\":\"=\",\"count\":0}]")))
        .hasMessage("criteria[1]: severity 'high' must be all, critical, major or minor");
    assertThatThrownBy(() -> PolicyDefinition.criteria(JSON.readTree("[{\"type\":\"tag\",\"glob\":\"*\",\"x\":1}]")))
        .hasMessageContaining("has no field 'x'");
    assertThatThrownBy(() -> PolicyDefinition.criteria(JSON.readTree("[{\"type\":\"vulnerabilities\","
        + "\"severity\":\"all\",\"op\":\"<\",\"count\":\"0\"}]"))).hasMessageContaining("integer count");
  }

  @Test
  void targetsMapNamespacesAndMayNotLieInTheSource() {
    RepositoryScope hub = new RepositoryScope("hub/*");
    PolicyDefinition named = new PolicyDefinition(List.of(), "official/{name}", null, false);
    named.requireFits(hub);
    assertThat(named.targetFor(hub, RepositoryName.of("hub/library/alpine")).value()).isEqualTo("official/library/alpine");
    assertThatThrownBy(() -> new PolicyDefinition(List.of(), "hub/promoted/{name}", null, false).requireFits(hub))
        .hasMessageContaining("lies in the source");
    assertThatThrownBy(() -> named.requireFits(new RepositoryScope("hub/alpine")))
        .hasMessageContaining("needs a namespace source");
    new PolicyDefinition(List.of(), "hubble/alpine", null, false).requireFits(hub);
    assertThatThrownBy(() -> new PolicyDefinition(List.of(), "Official/x", null, false))
        .hasMessageContaining("not a repository name");
  }
}
