package io.portcullis.policy.gate;

import io.portcullis.shared.Scope;
import static io.portcullis.policy.gate.GateFixtures.IMAGE;
import static io.portcullis.policy.gate.GateFixtures.finding;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.scan.match.Finding;
import io.portcullis.scan.severity.SeverityBucket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ExemptionsTest {
  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
  private static final Finding BUSYBOX = finding("CVE-2023-42366", "ALPINE-CVE-2023-42366", "busybox", "1.35.0-r17",
      SeverityBucket.MAJOR);
  private static final Finding SSL_CLIENT = finding("CVE-2023-42366", "ALPINE-CVE-2023-42366", "ssl_client",
      "1.35.0-r17", SeverityBucket.MAJOR);
  private static final Finding MUSL = finding("CVE-2025-26519", null, "musl", "1.2.3-r3", SeverityBucket.MINOR);

  private static AllowlistEntry entry(String id, String pkg, Instant expires) {
    return new AllowlistEntry(7, Scope.namespace("hub"), id, pkg, expires, "not reachable", "alice",
        NOW.minusSeconds(3600));
  }

  @Test
  void anEntryCoversEveryIdOfAVulnerabilityUntilItExpires() {
    AllowlistEntry entry = entry("ALPINE-CVE-2023-42366", null, NOW.plusSeconds(60));
    assertThat(entry.covers(BUSYBOX, NOW)).isTrue();
    assertThat(entry.covers(SSL_CLIENT, NOW)).isTrue();
    assertThat(entry.covers(MUSL, NOW)).isFalse();
    assertThat(entry.covers(BUSYBOX, NOW.plusSeconds(59))).isTrue();
    assertThat(entry.covers(BUSYBOX, NOW.plusSeconds(60))).as("expired at its expiry").isFalse();
    assertThat(entry.expired(NOW.plusSeconds(60))).isTrue();
    assertThat(entry("cve-2023-42366", null, NOW.plusSeconds(60)).covers(BUSYBOX, NOW)).as("any case").isTrue();
  }

  @Test
  void anEntryForOnePackageCoversOnlyThatPackage() {
    AllowlistEntry entry = entry("CVE-2023-42366", "ssl_client", NOW.plusSeconds(60));
    assertThat(entry.covers(SSL_CLIENT, NOW)).isTrue();
    assertThat(entry.covers(BUSYBOX, NOW)).isFalse();
  }

  @Test
  void findingsStayListedWithTheReasonAndCountsLeaveSuppressedOnesOut() throws Exception {
    List<OpenVex.Statement> vex = OpenVex.parse("""
        {"@context": "https://openvex.dev/ns/v0.2.0", "statements": [{"vulnerability": {"name": "CVE-2025-26519"},
         "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"}]}"""
        .getBytes(StandardCharsets.UTF_8), "sha256:vexdoc", 0);
    List<EffectiveFindings.Assessed> assessed = Exemptions.assess(List.of(BUSYBOX, SSL_CLIENT, MUSL),
        List.of(entry("CVE-2023-42366", "busybox", NOW.plusSeconds(60))), () -> vex, List.of(IMAGE), NOW);
    assertThat(assessed).extracting(a -> a.suppression() == null ? null : a.suppression().source()).containsExactly(
        EffectiveFindings.Suppression.Source.ALLOWLIST, null, EffectiveFindings.Suppression.Source.OPENVEX);
    assertThat(assessed.get(0).suppression().reason()).contains("namespace hub", "alice", "not reachable");
    assertThat(assessed.get(2).suppression().reason()).contains("sha256:vexdoc", "vulnerable_code_not_in_execute_path");
    EffectiveFindings.Image image = new EffectiveFindings.Image(IMAGE, null, java.util.Optional.empty(), assessed);
    assertThat(image.counts().major()).as("ssl_client's finding still counts").isEqualTo(1);
    assertThat(image.counts().minor()).isZero();
    assertThat(image.counts().total()).isEqualTo(1);
    assertThat(image.suppressedCount()).as("only musl's vulnerability is wholly suppressed").isEqualTo(1);
  }

  @Test
  void anExpiredEntryLeavesTheFindingInForceAndVexIsReadOnlyWhenNeeded() {
    AtomicInteger reads = new AtomicInteger();
    List<EffectiveFindings.Assessed> all = Exemptions.assess(List.of(BUSYBOX),
        List.of(entry("CVE-2023-42366", null, NOW.plusSeconds(60))), () -> {
          reads.incrementAndGet();
          return List.of();
        }, List.of(IMAGE), NOW);
    assertThat(all.getFirst().inForce()).isFalse();
    assertThat(reads).as("the allowlist sufficed").hasValue(0);
    List<EffectiveFindings.Assessed> later = Exemptions.assess(List.of(BUSYBOX),
        List.of(entry("CVE-2023-42366", null, NOW.plusSeconds(60))), List::of, List.of(IMAGE), NOW.plusSeconds(61));
    assertThat(later.getFirst().inForce()).isTrue();
  }
}
