package io.portcullis.policy.gate;

import io.portcullis.shared.Scope;
import static io.portcullis.policy.gate.GateFixtures.IMAGE;
import static io.portcullis.policy.gate.GateFixtures.finding;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.scan.ImageScan;
import io.portcullis.scan.match.Finding;
import io.portcullis.scan.match.SeverityCounts;
import io.portcullis.scan.severity.SeverityBucket;
import io.portcullis.shared.RepositoryName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PullGatesTest {
  private static final RepositoryName REPO = RepositoryName.of("hub/app");
  private static final Scope HUB = Scope.namespace("hub");
  private static final Scope APP = Scope.repository("hub/app");

  private static PullGate gate(Scope scope, SeverityBucket min, boolean unscanned) {
    return new PullGate(scope, min, unscanned, "admin", Instant.EPOCH);
  }

  private static ImageScan scan(String status, List<Finding> findings) {
    return new ImageScan(IMAGE, status, status.equals(ImageScan.FAILED) ? "layer too large" : null, List.of(),
        List.of(), null, 1, SeverityCounts.of(findings), findings, 0, 0);
  }

  private static EffectiveFindings findings(Optional<ImageScan> scan, EffectiveFindings.Assessed... assessed) {
    return new EffectiveFindings(List.of(new EffectiveFindings.Image(IMAGE, null, scan, List.of(assessed))));
  }

  private static EffectiveFindings scanned(EffectiveFindings.Assessed... assessed) {
    List<Finding> all = new ArrayList<>();
    for (EffectiveFindings.Assessed a : assessed) {
      all.add(a.finding());
    }
    return findings(Optional.of(scan(ImageScan.SUCCEEDED, all)), assessed);
  }

  private static EffectiveFindings.Assessed inForce(String id, SeverityBucket severity) {
    return new EffectiveFindings.Assessed(finding(id, null, "pkg", "1", severity), null);
  }

  private static PullGates.Verdict verdict(List<PullGate> gates, EffectiveFindings findings) {
    return PullGates.verdict(REPO, gates, findings, digest -> true);
  }

  @Test
  void refusesAtOrAboveTheSeverityNamingTheGateAndTheVulnerabilities() {
    EffectiveFindings findings = scanned(inForce("CVE-2021-44228", SeverityBucket.CRITICAL),
        inForce("CVE-2021-45046", SeverityBucket.CRITICAL), inForce("CVE-2022-1", SeverityBucket.MAJOR),
        inForce("CVE-2022-2", SeverityBucket.MINOR));
    PullGates.Verdict critical = verdict(List.of(gate(HUB, SeverityBucket.CRITICAL, false)), findings);
    assertThat(critical.allowed()).isFalse();
    assertThat(critical.reason()).isEqualTo("vulnerabilities");
    assertThat(critical.message()).startsWith("pull refused: the pull gate of namespace hub refuses 2 critical "
        + "vulnerabilities (CVE-2021-44228, CVE-2021-45046) at or above critical; see /api/v1/repositories/hub/app/"
        + "manifests/" + IMAGE + "/scan/components");
    PullGates.Verdict major = verdict(List.of(gate(HUB, SeverityBucket.MAJOR, false)), findings);
    assertThat(major.message()).contains("2 critical and 1 major vulnerabilities (CVE-2021-44228, CVE-2021-45046, "
        + "CVE-2022-1) at or above major");
  }

  @Test
  void belowTheSeverityPassesAndSuppressedFindingsDoNotCount() {
    PullGate critical = gate(HUB, SeverityBucket.CRITICAL, false);
    assertThat(verdict(List.of(critical), scanned(inForce("CVE-2022-1", SeverityBucket.MAJOR))).allowed()).isTrue();
    EffectiveFindings.Assessed suppressed = new EffectiveFindings.Assessed(
        finding("CVE-2021-44228", null, "log4j", "2.14.1", SeverityBucket.CRITICAL),
        new EffectiveFindings.Suppression(EffectiveFindings.Suppression.Source.OPENVEX, "not_affected"));
    assertThat(verdict(List.of(critical), scanned(suppressed)).allowed()).isTrue();
  }

  @Test
  void listsAtMostFiveIds() {
    List<EffectiveFindings.Assessed> many = new ArrayList<>();
    for (int i = 1; i <= 7; i++) {
      many.add(inForce("CVE-2024-000" + i, SeverityBucket.CRITICAL));
    }
    String message = verdict(List.of(gate(HUB, SeverityBucket.CRITICAL, false)),
        scanned(many.toArray(EffectiveFindings.Assessed[]::new))).message();
    assertThat(message).contains("7 critical vulnerabilities (CVE-2024-0001, CVE-2024-0002, CVE-2024-0003, "
        + "CVE-2024-0004, CVE-2024-0005, and 2 more)");
  }

  @Test
  void refuseUnscannedRefusesNeverScannedAndFailedScansOnly() {
    List<PullGate> gates = List.of(gate(APP, null, true));
    PullGates.Verdict never = verdict(gates, findings(Optional.empty()));
    assertThat(never.reason()).isEqualTo("unscanned");
    assertThat(never.message()).isEqualTo("pull refused: the pull gate of repository hub/app refuses images without a "
        + "successful scan, and the image has not been scanned yet");
    assertThat(verdict(gates, findings(Optional.of(scan(ImageScan.FAILED, List.of())))).message())
        .contains("has no successful scan (failed: layer too large)");
    assertThat(verdict(gates, scanned()).allowed()).isTrue();
    assertThat(verdict(gates, findings(Optional.of(scan(ImageScan.UNSUPPORTED, List.of())))).allowed())
        .as("not a container image").isTrue();
    assertThat(PullGates.verdict(REPO, gates, findings(Optional.empty()), digest -> false).allowed())
        .as("an artifact not scanned yet").isTrue();
    assertThat(verdict(List.of(gate(HUB, SeverityBucket.MINOR, false)), findings(Optional.empty())).allowed())
        .as("a severity gate alone lets unscanned images through").isTrue();
  }

  @Test
  void everyGateApplyAndTheWidestRefusingOneIsNamed() {
    EffectiveFindings findings = scanned(inForce("CVE-2022-1", SeverityBucket.MAJOR));
    PullGates.Verdict verdict = verdict(List.of(gate(HUB, SeverityBucket.CRITICAL, false),
        gate(APP, SeverityBucket.MAJOR, false)), findings);
    assertThat(verdict.message()).as("the repository's gate adds to the namespace's").contains("repository hub/app");
    assertThat(verdict(List.of(gate(HUB, SeverityBucket.MAJOR, false), gate(APP, SeverityBucket.CRITICAL, false)),
        findings).message()).as("and cannot loosen it").contains("namespace hub");
  }

  @Test
  void anIndexIsRefusedForAnyOfItsPlatformsNamingIt() {
    String arm = "sha256:" + "d".repeat(64);
    EffectiveFindings findings = new EffectiveFindings(List.of(
        new EffectiveFindings.Image(IMAGE, "linux/amd64", Optional.of(scan(ImageScan.SUCCEEDED, List.of())), List.of()),
        new EffectiveFindings.Image(arm, "linux/arm64/v8", Optional.of(scan(ImageScan.SUCCEEDED, List.of())),
            List.of(inForce("CVE-2021-44228", SeverityBucket.CRITICAL)))));
    PullGates.Verdict verdict = verdict(List.of(gate(HUB, SeverityBucket.CRITICAL, false)), findings);
    assertThat(verdict.message()).contains("at or above critical in linux/arm64/v8 (" + arm + ")",
        "/manifests/" + arm + "/scan/components");
  }
}
