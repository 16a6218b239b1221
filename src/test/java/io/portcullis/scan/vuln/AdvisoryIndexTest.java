package io.portcullis.scan.vuln;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.scan.version.InvalidVersionException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdvisoryIndexTest {

  static Advisory osv(String json) {
    try {
      return new OsvImporter().parse(json.getBytes(StandardCharsets.UTF_8), "test");
    } catch (AdvisoryFormatException e) {
      throw new AssertionError(e);
    }
  }

  /** A record for one package with one range given as its events' JSON. */
  static Advisory record(String id, String ecosystem, String name, String type, String events) {
    return osv("""
        {"id": "%s", "affected": [{"package": {"ecosystem": "%s", "name": "%s"},
          "ranges": [{"type": "%s", "events": [%s]}]}]}
        """.formatted(id, ecosystem, name, type, events));
  }

  private static List<String> ids(AdvisoryIndex index, String ecosystem, String name, String version) {
    return index.affecting(ecosystem, name, version).stream().map(m -> m.advisory().id()).toList();
  }

  @Test
  void introducedIsInclusiveFixedIsExclusive() {
    AdvisoryIndex index = AdvisoryIndex.of(List.of(record("A", "Maven", "g:a", "ECOSYSTEM",
        "{\"introduced\": \"2.13.0\"}, {\"fixed\": \"2.15.0\"}")));

    assertThat(ids(index, "Maven", "g:a", "2.12.9")).isEmpty();
    assertThat(ids(index, "Maven", "g:a", "2.13.0")).containsExactly("A");
    assertThat(ids(index, "Maven", "g:a", "2.14.1")).containsExactly("A");
    assertThat(ids(index, "Maven", "g:a", "2.15.0-rc1")).containsExactly("A");
    assertThat(ids(index, "Maven", "g:a", "2.15.0")).isEmpty();
    assertThat(index.affecting("Maven", "g:a", "2.14.1").getFirst().fixedVersion()).isEqualTo("2.15.0");
  }

  @Test
  void lastAffectedIsInclusiveAndNamesNoFix() {
    AdvisoryIndex index = AdvisoryIndex.of(List.of(record("A", "npm", "lodash", "SEMVER",
        "{\"introduced\": \"0\"}, {\"last_affected\": \"4.17.20\"}")));

    assertThat(ids(index, "npm", "lodash", "4.17.20")).containsExactly("A");
    assertThat(index.affecting("npm", "lodash", "4.17.20").getFirst().fixedVersion()).isNull();
    assertThat(ids(index, "npm", "lodash", "4.17.21")).isEmpty();
  }

  @Test
  void eventsAreSortedInTheEcosystemsOrderNotAsWritten() {
    AdvisoryIndex index = AdvisoryIndex.of(List.of(record("A", "Debian:12", "openssl", "ECOSYSTEM",
        "{\"fixed\": \"3.0.11-1~deb12u2\"}, {\"introduced\": \"3.0.9-1\"}, {\"fixed\": \"3.0.8-1\"}, {\"introduced\": \"0\"}")));

    assertThat(ids(index, "Debian:12", "openssl", "3.0.7-1")).containsExactly("A");
    assertThat(ids(index, "Debian:12", "openssl", "3.0.8-1")).isEmpty();
    assertThat(ids(index, "Debian:12", "openssl", "3.0.9-1")).containsExactly("A");
    assertThat(ids(index, "Debian:12", "openssl", "3.0.11-1~deb12u1")).containsExactly("A");
    assertThat(ids(index, "Debian:12", "openssl", "3.0.11-1~deb12u2")).isEmpty();
    assertThat(index.affecting("Debian:12", "openssl", "3.0.7-1").getFirst().fixedVersion()).isEqualTo("3.0.8-1");
  }

  @Test
  void limitBoundsTheRangeAndExplicitVersionsMatchExactly() {
    Advisory limited = record("L", "PyPI", "Django", "ECOSYSTEM",
        "{\"introduced\": \"0\"}, {\"limit\": \"4.0\"}");
    Advisory listed = osv("""
        {"id": "V", "affected": [{"package": {"ecosystem": "PyPI", "name": "requests"},
          "versions": ["2.31.0", "2.32.0"]}]}
        """);
    AdvisoryIndex index = AdvisoryIndex.of(List.of(limited, listed));

    assertThat(ids(index, "PyPI", "django", "3.2.25")).containsExactly("L");
    assertThat(ids(index, "PyPI", "django", "4.0")).isEmpty();
    assertThat(ids(index, "PyPI", "requests", "2.31")).containsExactly("V");
    assertThat(ids(index, "PyPI", "requests", "2.31.1")).isEmpty();
  }

  @Test
  void semverRangesUseSemverAndGitRangesAreIgnored() {
    Advisory semver = record("S", "Go", "github.com/x/y", "SEMVER", "{\"introduced\": \"0\"}, {\"fixed\": \"1.2.4\"}");
    Advisory git = record("G", "Go", "github.com/x/y", "GIT", "{\"introduced\": \"abc123\"}");
    AdvisoryIndex index = AdvisoryIndex.of(List.of(semver, git));

    assertThat(ids(index, "Go", "github.com/x/y", "v1.2.4-0.20191109021931-daa7c04131f5")).containsExactly("S");
    assertThat(ids(index, "Go", "github.com/x/y", "v1.2.4")).isEmpty();
  }

  @Test
  void withdrawnRecordsNeverMatch() {
    Advisory withdrawn = osv("""
        {"id": "W", "withdrawn": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "npm", "name": "x"},
          "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}
        """);
    AdvisoryIndex index = AdvisoryIndex.of(List.of(withdrawn));

    assertThat(index.size()).isZero();
    assertThat(ids(index, "npm", "x", "1.0.0")).isEmpty();
  }

  @Test
  void namesAndEcosystemsAreNormalised() {
    AdvisoryIndex index = AdvisoryIndex.of(List.of(
        record("P", "PyPI", "Zope.Interface", "ECOSYSTEM", "{\"introduced\": \"0\"}"),
        record("N", "npm", "JSONStream", "SEMVER", "{\"introduced\": \"0\"}"),
        record("M", "Maven", "Org.Example:Lib", "ECOSYSTEM", "{\"introduced\": \"0\"}"),
        record("D", "Debian:12", "glibc", "ECOSYSTEM", "{\"introduced\": \"0\"}"),
        record("A", "Alpine:v3.16", "musl", "ECOSYSTEM", "{\"introduced\": \"0\"}")));

    assertThat(ids(index, "PyPI", "zope_interface", "5.0")).containsExactly("P");
    assertThat(ids(index, "pypi", "zope-interface", "5.0")).containsExactly("P");
    assertThat(ids(index, "npm", "jsonstream", "1.0.0")).containsExactly("N");
    assertThat(ids(index, "Maven", "org.example/lib", "1.0")).containsExactly("M");
    assertThat(ids(index, "Debian:12.4", "glibc", "2.36-9")).containsExactly("D");
    assertThat(ids(index, "Debian:bookworm", "glibc", "2.36-9")).containsExactly("D");
    assertThat(ids(index, "Alpine:3.16.9", "musl", "1.2.3-r3")).containsExactly("A");
    assertThat(ids(index, "Alpine:v3.17", "musl", "1.2.3-r3")).isEmpty();
  }

  @Test
  void aliasesAndUpstreamIdsJoinRecordsRelatedIdsDoNot() {
    String affected = ", \"affected\": [{\"package\": {\"ecosystem\": \"npm\", \"name\": \"x\"},"
        + " \"ranges\": [{\"type\": \"SEMVER\", \"events\": [{\"introduced\": \"0\"}]}]}]}";
    AdvisoryIndex index = AdvisoryIndex.of(List.of(
        osv("{\"id\": \"GHSA-aaaa-bbbb-cccc\", \"aliases\": [\"CVE-2022-0001\"]" + affected),
        osv("{\"id\": \"ALPINE-CVE-2022-0001\", \"aliases\": [\"CVE-2022-0001\"]" + affected),
        osv("{\"id\": \"DEBIAN-CVE-2022-0001\", \"upstream\": [\"CVE-2022-0001\"]" + affected),
        osv("{\"id\": \"DSA-9999-1\", \"related\": [\"CVE-2022-0001\"]" + affected)));

    List<AffectedMatch> matches = index.affecting("npm", "x", "1.0.0");

    assertThat(matches).hasSize(4);
    VulnerabilityGroup cve = matches.getFirst().group();
    assertThat(cve.primaryId()).isEqualTo("CVE-2022-0001");
    assertThat(cve.ids()).containsExactly("ALPINE-CVE-2022-0001", "CVE-2022-0001", "DEBIAN-CVE-2022-0001",
        "GHSA-aaaa-bbbb-cccc");
    assertThat(matches).filteredOn(m -> m.group() == cve).hasSize(3);
    assertThat(matches).filteredOn(m -> m.advisory().id().equals("DSA-9999-1")).singleElement()
        .satisfies(m -> assertThat(m.group().primaryId()).isEqualTo("DSA-9999-1"));
  }

  @Test
  void primaryIdPrefersTheLowestCveThenGhsa() {
    assertThat(AdvisoryIndex.primaryOf(List.of("CVE-2021-10000", "CVE-2021-9999", "GHSA-x"))).isEqualTo("CVE-2021-9999");
    assertThat(AdvisoryIndex.primaryOf(List.of("ALPINE-13661"))).isEqualTo("ALPINE-13661");
    assertThat(AdvisoryIndex.primaryOf(List.of("DSA-1", "GHSA-x"))).isEqualTo("GHSA-x");
  }

  @Test
  void unevaluableEntriesAreReportedAsProblemsNotGuessed() {
    AdvisoryIndex index = AdvisoryIndex.of(List.of(
        record("U", "Bioconductor", "x", "ECOSYSTEM", "{\"introduced\": \"0\"}"),
        record("B", "npm", "y", "SEMVER", "{\"introduced\": \"0\"}, {\"fixed\": \"not.a.version\"}")));

    assertThat(index.problemCount()).isEqualTo(2);
    assertThat(index.problems()).anySatisfy(p -> assertThat(p).contains("U").contains("Bioconductor"));
    assertThat(index.problems()).anySatisfy(p -> assertThat(p).contains("B").contains("not.a.version"));
    assertThat(ids(index, "npm", "y", "1.0.0")).isEmpty();
  }

  @Test
  void anUnparseableInstalledVersionIsAPreciseError() {
    AdvisoryIndex index = AdvisoryIndex.of(List.of(record("A", "Alpine:v3.16", "musl", "ECOSYSTEM",
        "{\"introduced\": \"0\"}")));

    assertThatThrownBy(() -> index.affecting("Alpine:v3.16", "musl", "1.0-x"))
        .isInstanceOf(InvalidVersionException.class).hasMessageContaining("1.0-x");
  }

  @Test
  void aLaterRecordWithTheSameIdReplacesTheEarlier() {
    AdvisoryIndex.Builder builder = AdvisoryIndex.builder();
    builder.accept(record("A", "npm", "x", "SEMVER", "{\"introduced\": \"0\"}, {\"fixed\": \"1.0.0\"}"));
    builder.accept(record("A", "npm", "x", "SEMVER", "{\"introduced\": \"0\"}, {\"fixed\": \"2.0.0\"}"));
    AdvisoryIndex index = builder.build();

    assertThat(index.size()).isEqualTo(1);
    assertThat(index.affecting("npm", "x", "1.5.0")).singleElement()
        .satisfies(m -> assertThat(m.fixedVersion()).isEqualTo("2.0.0"));
  }
}
