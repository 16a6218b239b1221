package io.portcullis.policy.gate;

import static io.portcullis.policy.gate.GateFixtures.IMAGE;
import static io.portcullis.policy.gate.GateFixtures.INDEX;
import static io.portcullis.policy.gate.GateFixtures.OTHER;
import static io.portcullis.policy.gate.GateFixtures.finding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.scan.match.Finding;
import io.portcullis.scan.severity.SeverityBucket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenVexTest {
  private static final Finding BUSYBOX = finding("CVE-2023-42366", "ALPINE-CVE-2023-42366", "busybox", "1.35.0-r17",
      SeverityBucket.MAJOR);
  private static final Finding SSL_CLIENT = finding("CVE-2023-42366", "ALPINE-CVE-2023-42366", "ssl_client",
      "1.35.0-r17", SeverityBucket.MAJOR);
  private static final Finding MUSL = finding("CVE-2025-26519", null, "musl", "1.2.3-r3", SeverityBucket.MINOR);

  private static List<OpenVex.Statement> parse(String statements) throws IOException {
    String document = """
        {"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/1", "author": "Security",
         "timestamp": "2026-01-01T00:00:00Z", "version": 1, "statements": [%s]}""".formatted(statements);
    return OpenVex.parse(document.getBytes(StandardCharsets.UTF_8), "sha256:doc", 0);
  }

  private static boolean suppressed(List<OpenVex.Statement> statements, Finding finding, List<String> digests) {
    return OpenVex.decisive(statements, finding, digests).filter(OpenVex.Statement::suppresses).isPresent();
  }

  @Test
  void aJustifiedNotAffectedStatementWithoutProductsSuppressesTheVulnerabilityInTheImageItIsAttachedTo()
      throws Exception {
    List<OpenVex.Statement> statements = parse("""
        {"vulnerability": {"name": "CVE-2023-42366"}, "status": "not_affected",
         "justification": "vulnerable_code_not_in_execute_path", "impact_statement": "awk is never run"}""");
    assertThat(statements).singleElement().satisfies(s -> {
      assertThat(s.suppresses()).isTrue();
      assertThat(s.impactStatement()).isEqualTo("awk is never run");
    });
    assertThat(suppressed(statements, BUSYBOX, List.of(IMAGE))).isTrue();
    assertThat(suppressed(statements, SSL_CLIENT, List.of(IMAGE))).isTrue();
    assertThat(suppressed(statements, MUSL, List.of(IMAGE))).as("another vulnerability").isFalse();
  }

  @Test
  void aliasesOnEitherSideMatch() throws Exception {
    assertThat(suppressed(parse("""
        {"vulnerability": {"name": "ALPINE-CVE-2023-42366"}, "status": "not_affected",
         "justification": "component_not_present"}"""), BUSYBOX, List.of(IMAGE))).isTrue();
    assertThat(suppressed(parse("""
        {"vulnerability": {"name": "GHSA-xxxx-yyyy-zzzz", "aliases": ["cve-2023-42366"]}, "status": "not_affected",
         "justification": "component_not_present"}"""), BUSYBOX, List.of(IMAGE))).isTrue();
  }

  @Test
  void onlyNotAffectedWithAJustificationOpenVexDefinesSuppresses() throws Exception {
    for (String statement : List.of(
        "{\"vulnerability\": {\"name\": \"CVE-2023-42366\"}, \"status\": \"affected\"}",
        "{\"vulnerability\": {\"name\": \"CVE-2023-42366\"}, \"status\": \"fixed\"}",
        "{\"vulnerability\": {\"name\": \"CVE-2023-42366\"}, \"status\": \"under_investigation\"}",
        "{\"vulnerability\": {\"name\": \"CVE-2023-42366\"}, \"status\": \"not_affected\"}",
        "{\"vulnerability\": {\"name\": \"CVE-2023-42366\"}, \"status\": \"not_affected\", \"justification\": \"trust me\"}")) {
      assertThat(suppressed(parse(statement), BUSYBOX, List.of(IMAGE))).as(statement).isFalse();
    }
  }

  @Test
  void productsNamingADigestMustNameTheImageOrItsIndex() throws Exception {
    String statement = """
        {"vulnerability": {"name": "CVE-2023-42366"}, "status": "not_affected", "justification": "component_not_present",
         "products": [{"@id": "pkg:oci/app@%s?repository_url=registry.example.com/hub/app"}]}""";
    assertThat(suppressed(parse(statement.formatted(IMAGE.replace(":", "%3A"))), BUSYBOX, List.of(IMAGE))).isTrue();
    assertThat(suppressed(parse(statement.formatted(INDEX)), BUSYBOX, List.of(IMAGE, INDEX))).as("the index").isTrue();
    assertThat(suppressed(parse(statement.formatted(OTHER)), BUSYBOX, List.of(IMAGE, INDEX))).as("another image")
        .isFalse();
    assertThat(suppressed(parse("""
        {"vulnerability": {"name": "CVE-2023-42366"}, "status": "not_affected", "justification": "component_not_present",
         "products": [{"@id": "pkg:oci/app?tag=1.0"}]}"""), BUSYBOX, List.of(IMAGE)))
        .as("a product without a digest is the image the document is attached to").isTrue();
  }

  @Test
  void subcomponentsLimitTheStatementToThosePackages() throws Exception {
    List<OpenVex.Statement> statements = parse("""
        {"vulnerability": {"name": "CVE-2023-42366"}, "status": "not_affected",
         "justification": "vulnerable_code_not_present",
         "products": [{"@id": "pkg:oci/app", "subcomponents": [{"@id": "pkg:apk/alpine/ssl_client@1.35.0-r17?arch=x86_64"}]}]}""");
    assertThat(suppressed(statements, SSL_CLIENT, List.of(IMAGE))).isTrue();
    assertThat(suppressed(statements, BUSYBOX, List.of(IMAGE))).isFalse();
    assertThat(suppressed(parse("""
        {"vulnerability": {"name": "CVE-2023-42366"}, "status": "not_affected",
         "justification": "vulnerable_code_not_present",
         "products": [{"@id": "pkg:oci/app", "subcomponents": [{"@id": "pkg:apk/alpine/ssl_client@9.9"}]}]}"""),
        SSL_CLIENT, List.of(IMAGE))).as("another version").isFalse();
  }

  @Test
  void aMavenPurlNamesGroupAndArtifact() {
    Finding log4j = finding("CVE-2021-44228", null, "org.apache.logging.log4j:log4j-core", "2.14.1",
        SeverityBucket.CRITICAL);
    assertThat(OpenVex.purlNames("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", log4j)).isTrue();
    assertThat(OpenVex.purlNames("pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1", log4j)).isFalse();
  }

  @Test
  void theLatestStatementDecides() throws Exception {
    List<OpenVex.Statement> statements = parse("""
        {"vulnerability": {"name": "CVE-2023-42366"}, "status": "not_affected", "justification": "component_not_present",
         "timestamp": "2026-02-01T00:00:00Z"},
        {"vulnerability": {"name": "CVE-2023-42366"}, "status": "affected", "timestamp": "2026-03-01T00:00:00Z"}""");
    assertThat(suppressed(statements, BUSYBOX, List.of(IMAGE))).as("affected again since March").isFalse();
    List<OpenVex.Statement> sameTime = parse("""
        {"vulnerability": {"name": "CVE-2023-42366"}, "status": "affected"},
        {"vulnerability": {"name": "CVE-2023-42366"}, "status": "not_affected", "justification": "component_not_present"}""");
    assertThat(suppressed(sameTime, BUSYBOX, List.of(IMAGE))).as("later in the document").isTrue();
  }

  @Test
  void theOldStringFormsAreRead() throws Exception {
    List<OpenVex.Statement> statements = OpenVex.parse("""
        {"@context": "https://openvex.dev/ns", "statements": [{"vulnerability": "CVE-2023-42366",
         "products": ["pkg:oci/app@%s"], "status": "not_affected", "justification": "component_not_present"}]}"""
        .formatted(IMAGE).getBytes(StandardCharsets.UTF_8), "d", 0);
    assertThat(suppressed(statements, BUSYBOX, List.of(IMAGE))).isTrue();
  }

  @Test
  void somethingElseIsRefused() {
    assertThatThrownBy(() -> OpenVex.parse("{\"statements\": []}".getBytes(StandardCharsets.UTF_8), "d", 0))
        .isInstanceOf(IOException.class).hasMessageContaining("@context");
    assertThatThrownBy(() -> OpenVex.parse("not json".getBytes(StandardCharsets.UTF_8), "d", 0))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> OpenVex.parse("{\"@context\": \"https://openvex.dev/ns/v0.2.0\"}"
        .getBytes(StandardCharsets.UTF_8), "d", 0)).isInstanceOf(IOException.class).hasMessageContaining("statements");
  }
}
