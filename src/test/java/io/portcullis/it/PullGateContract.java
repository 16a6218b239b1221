package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pull gates through the running registry, with skopeo as the client: a fixture image with known critical
 * findings is refused to an ordinary puller with DENIED and the reason, never to the administrator; CVE
 * allowlist entries let it through until they expire; an OpenVEX document attached as a referrer
 * suppresses the findings it covers, in the gate and in the counts; "refuse unscanned" holds an image
 * back until its scan has succeeded.
 */
abstract class PullGateContract extends AdminApiContract {
  private static final String EMPTY_CONFIG_DIGEST =
      "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
  /** No credentials: the puller gates are for (the test repositories are public). */
  RegistryClient anonymous;

  @BeforeAll
  void anonymousClient() {
    anonymous = new RegistryClient(client.baseUrl(), null, null);
  }

  /** A REST call below /api/v1 as the administrator, with a JSON body (null: none). */
  private HttpResponse<byte[]> rest(String method, String path, String body) throws Exception {
    return client.api(basic, method, path, body);
  }

  private JsonNode expect(int status, HttpResponse<byte[]> response) throws Exception {
    assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(status);
    return response.body().length == 0 ? null : RegistryClient.json(response);
  }

  private Processes.Result pull(String creds, String reference) throws Exception {
    return Skopeo.copyOut(creds, "docker://" + registry.host + "/" + reference, work.resolve("out-" + System.nanoTime()));
  }

  private static Path fixture(String name) {
    return Processes.shared().resolve("fixtures/images/" + name);
  }

  private JsonNode summary(String repository, String reference) throws Exception {
    return expect(200, rest("GET", "/repositories/" + repository + "/manifests/" + reference + "/scan", null));
  }

  private double refusedMetric(String reason) throws Exception {
    String metrics = new String(client.send("GET", "/metrics", null, null).body(), StandardCharsets.UTF_8);
    return ScanningContract.sampleOrZero(metrics, "portcullis_pulls_refused_total{reason=\"" + reason + "\"}");
  }

  @Test
  void refuseUnscannedHoldsAnImageBackUntilItsScanSucceeds() throws Exception {
    expect(201, rest("POST", "/repositories", "{\"name\":\"raw/alpine\",\"scanOnPush\":false,\"visibility\":\"public\"}"));
    Skopeo.copy(fixture("alpine-3.16"), Skopeo.adminCreds(), "docker://" + registry.host + "/raw/alpine:3.16.9");
    JsonNode gate = expect(200, rest("PUT", "/repositories/raw/alpine/pull-gate", "{\"refuseUnscanned\":true}"));
    assertThat(gate.get("refuseUnscanned").asBoolean()).isTrue();
    assertThat(gate.get("minSeverity").isNull()).isTrue();
    double before = refusedMetric("unscanned");

    Processes.Result refused = pull(null, "raw/alpine:3.16.9");
    assertThat(refused.exitCode()).as(refused.output()).isNotZero();
    assertThat(refused.output()).contains("denied", "pull refused: the pull gate of repository raw/alpine refuses "
        + "images without a successful scan, and the image has not been scanned yet");
    assertThat(refusedMetric("unscanned")).isEqualTo(before + 1);
    HttpResponse<byte[]> direct = anonymous.send("GET", "/v2/raw/alpine/manifests/3.16.9", "repository:raw/alpine:pull",
        null, "Accept", "application/vnd.oci.image.manifest.v1+json");
    assertThat(direct.statusCode()).isEqualTo(403);
    assertThat(RegistryClient.errorCode(direct)).isEqualTo("DENIED");
    assertThat(anonymous.send("HEAD", "/v2/raw/alpine/manifests/3.16.9", "repository:raw/alpine:pull", null,
        "Accept", "application/vnd.oci.image.manifest.v1+json").statusCode()).as("HEAD is not gated").isEqualTo(200);
    assertThat(pull(Skopeo.adminCreds(), "raw/alpine:3.16.9").exitCode()).as("administrators are never gated").isZero();
    JsonNode verdict = expect(200, rest("GET", "/repositories/raw/alpine/manifests/3.16.9/pull-gate", null));
    assertThat(verdict.get("allowed").asBoolean()).isFalse();
    assertThat(verdict.get("reason").asText()).isEqualTo("unscanned");

    JsonNode job = expect(202, rest("POST", "/repositories/raw/alpine/manifests/3.16.9/scan", null));
    assertThat(awaitJob(job.get("id").asLong()).get("state").asText())
        .isEqualTo("succeeded");
    Processes.Result allowed = pull(null, "raw/alpine:3.16.9");
    assertThat(allowed.exitCode()).as(allowed.output()).isZero();
    expect(204, rest("DELETE", "/repositories/raw/alpine/pull-gate", null));
    expect(404, rest("GET", "/repositories/raw/alpine/pull-gate", null));
  }

  @Test
  void aSeverityGateRefusesUntilAllowlistedOrDeclaredNotAffectedInAnOpenVexReferrer() throws Exception {
    importFixtureDatabase();
    expect(201, rest("POST", "/repositories", "{\"name\":\"hub/java-app\",\"visibility\":\"public\"}"));
    Skopeo.copy(fixture("java-app"), Skopeo.adminCreds(), "docker://" + registry.host + "/hub/java-app:1.0.0");
    awaitIdleJobs();
    JsonNode before = summary("hub/java-app", "1.0.0");
    int criticals = before.get("counts").get("critical").asInt();
    assertThat(criticals).as("the fixture has critical findings").isPositive();
    List<String> criticalIds = new ArrayList<>();
    for (JsonNode finding : expect(200, rest("GET", "/repositories/hub/java-app/manifests/1.0.0/scan/components"
        + "?severity=critical&sort=id", null)).get("components")) {
      if (!criticalIds.contains(finding.get("vulnerabilityId").asText())) {
        criticalIds.add(finding.get("vulnerabilityId").asText());
      }
    }
    assertThat(criticalIds).hasSize(criticals);
    String digest = before.get("digest").asText();
    assertThat(pull(null, "hub/java-app:1.0.0").exitCode()).as("no gate yet").isZero();

    expect(200, rest("PUT", "/namespaces/hub/pull-gate", "{\"minSeverity\":\"critical\"}"));
    double refusals = refusedMetric("vulnerabilities");
    Processes.Result refused = pull(null, "hub/java-app:1.0.0");
    assertThat(refused.exitCode()).as(refused.output()).isNotZero();
    String expected = "pull refused: the pull gate of namespace hub refuses " + criticals + " critical "
        + (criticals == 1 ? "vulnerability" : "vulnerabilities") + " (" + String.join(", ", criticalIds.subList(0,
        Math.min(5, criticalIds.size()))) + (criticals > 5 ? ", and " + (criticals - 5) + " more" : "")
        + ") at or above critical; see /api/v1/repositories/hub/java-app/manifests/" + digest + "/scan/components";
    assertThat(refused.output()).contains("denied", expected);
    assertThat(refusedMetric("vulnerabilities")).isEqualTo(refusals + 1);
    assertThat(pull(Skopeo.adminCreds(), "hub/java-app:1.0.0").exitCode()).as("administrators pass").isZero();
    String layer = RegistryClient.json(client.send("GET", "/v2/hub/java-app/manifests/" + digest,
        "repository:hub/java-app:pull", null)).get("layers").get(0).get("digest").asText();
    assertThat(anonymous.send("GET", "/v2/hub/java-app/blobs/" + layer, "repository:hub/java-app:pull", null).statusCode())
        .as("blobs are not gated: the manifest is the door").isEqualTo(200);
    expect(400, rest("PUT", "/namespaces/hub/pull-gate", "{\"minSeverity\":\"high\"}"));
    expect(400, rest("PUT", "/namespaces/hub/pull-gate", "{}"));
    expect(401, client.api(null, "PUT", "/namespaces/hub/pull-gate", "{\"minSeverity\":\"minor\"}"));

    // Allowlisted: every critical id, at the namespace, until an hour from now.
    String inAnHour = Instant.now().plusSeconds(3600).toString();
    List<Long> entries = new ArrayList<>();
    for (String id : criticalIds) {
      JsonNode entry = expect(201, rest("POST", "/namespaces/hub/cve-allowlist", "{\"vulnerabilityId\":\"" + id
          + "\",\"expiresAt\":\"" + inAnHour + "\",\"justification\":\"the vulnerable code is never loaded\"}"));
      assertThat(entry.get("createdBy").asText()).isEqualTo(TestRegistry.ADMIN);
      assertThat(entry.get("expired").asBoolean()).isFalse();
      entries.add(entry.get("id").asLong());
    }
    Processes.Result allowlisted = pull(null, "hub/java-app:1.0.0");
    assertThat(allowlisted.exitCode()).as(allowlisted.output()).isZero();
    JsonNode counted = summary("hub/java-app", "1.0.0");
    assertThat(counted.get("counts").get("critical").asInt()).isZero();
    assertThat(counted.get("suppressed").asInt()).isEqualTo(criticals);
    JsonNode marked = expect(200, rest("GET", "/repositories/hub/java-app/manifests/1.0.0/scan/components"
        + "?severity=critical", null)).get("components").get(0);
    assertThat(marked.get("suppression").get("source").asText()).isEqualTo("allowlist");
    assertThat(marked.get("suppression").get("reason").asText()).contains("namespace hub", "never loaded");
    List<JsonNode> audit = new ArrayList<>();
    expect(200, rest("GET", "/audit?action=allowlist.entry_added", null)).get("items").forEach(e -> {
      if (e.get("detail").get("scope").asText().equals("namespace hub")) {
        audit.add(e);
      }
    });
    assertThat(audit).hasSize(criticals);
    assertThat(audit.get(0).get("actor").asText()).isEqualTo(TestRegistry.ADMIN);
    assertThat(audit.get(0).get("detail").get("justification").asText()).isEqualTo("the vulnerable code is never loaded");
    expect(400, rest("POST", "/namespaces/hub/cve-allowlist", "{\"vulnerabilityId\":\"CVE-1\",\"expiresAt\":\""
        + inAnHour + "\",\"justification\":\"x\"}"));
    expect(400, rest("POST", "/namespaces/hub/cve-allowlist", "{\"vulnerabilityId\":\"CVE-2021-44228\",\"expiresAt\":\""
        + Instant.now().minusSeconds(1) + "\",\"justification\":\"x\"}"));
    expect(400, rest("POST", "/namespaces/hub/cve-allowlist", "{\"vulnerabilityId\":\"CVE-2021-44228\",\"expiresAt\":\""
        + inAnHour + "\"}"));

    // Expiring: the same entries for two seconds only; once expired the gate refuses again.
    for (long id : entries) {
      expect(204, rest("DELETE", "/cve-allowlist/" + id, null));
    }
    Instant soon = Instant.now().plusSeconds(2);
    for (String id : criticalIds) {
      expect(201, rest("POST", "/repositories/hub/java-app/cve-allowlist", "{\"vulnerabilityId\":\"" + id
          + "\",\"expiresAt\":\"" + soon + "\",\"justification\":\"until the patch lands\"}"));
    }
    assertThat(expect(200, rest("GET", "/repositories/hub/java-app/manifests/1.0.0/pull-gate", null)).get("allowed")
        .asBoolean()).isTrue();
    Thread.sleep(Math.max(0, soon.toEpochMilli() - System.currentTimeMillis()) + 200);
    Processes.Result expired = pull(null, "hub/java-app:1.0.0");
    assertThat(expired.exitCode()).as("expired entries stop applying: " + expired.output()).isNotZero();
    assertThat(expired.output()).contains(expected);
    JsonNode listed = expect(200, rest("GET", "/repositories/hub/java-app/cve-allowlist", null)).get("items");
    assertThat(listed).hasSize(criticals).allSatisfy(e -> assertThat(e.get("expired").asBoolean()).isTrue());

    // OpenVEX: a document attached to the image declares the critical vulnerabilities not affecting it.
    StringBuilder statements = new StringBuilder();
    for (String id : criticalIds) {
      statements.append(statements.isEmpty() ? "" : ",").append("{\"vulnerability\":{\"name\":\"").append(id)
          .append("\"},\"products\":[{\"@id\":\"pkg:oci/java-app@").append(digest.replace(":", "%3A"))
          .append("\"}],\"status\":\"not_affected\",\"justification\":\"vulnerable_code_not_in_execute_path\"")
          .append(",\"impact_statement\":\"JNDI lookups are disabled\"}");
    }
    byte[] vex = ("{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"@id\":\"https://example.com/vex/java-app\","
        + "\"author\":\"security@example.com\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"version\":1,\"statements\":["
        + statements + "]}").getBytes(StandardCharsets.UTF_8);
    String vexDigest = attach("hub/java-app", digest, vex);
    Processes.Result vexed = pull(null, "hub/java-app:1.0.0");
    assertThat(vexed.exitCode()).as(vexed.output()).isZero();
    JsonNode afterVex = summary("hub/java-app", "1.0.0");
    assertThat(afterVex.get("counts").get("critical").asInt()).isZero();
    assertThat(afterVex.get("counts").get("total").asInt())
        .isEqualTo(before.get("counts").get("total").asInt() - criticals);
    JsonNode suppressed = expect(200, rest("GET", "/repositories/hub/java-app/manifests/1.0.0/scan/components"
        + "?severity=critical", null)).get("components").get(0);
    assertThat(suppressed.get("suppression").get("source").asText()).isEqualTo("openvex");
    assertThat(suppressed.get("suppression").get("reason").asText()).contains(vexDigest,
        "vulnerable_code_not_in_execute_path", "JNDI lookups are disabled");
    assertThat(expect(200, rest("GET", "/repositories/hub/java-app/manifests/1.0.0/pull-gate", null)).get("allowed")
        .asBoolean()).isTrue();
    Processes.Result vexPull = pull(null, "hub/java-app@" + vexDigest);
    assertThat(vexPull.exitCode()).as("the VEX document itself is no image and not gated: " + vexPull.output())
        .isZero();

    // The gate still refuses what the document does not cover.
    expect(200, rest("PUT", "/namespaces/hub/pull-gate", "{\"minSeverity\":\"minor\"}"));
    Processes.Result minor = pull(null, "hub/java-app:1.0.0");
    assertThat(minor.exitCode()).isNotZero();
    assertThat(minor.output()).contains("pull refused: the pull gate of namespace hub refuses")
        .contains("at or above minor");
    expect(204, rest("DELETE", "/namespaces/hub/pull-gate", null));
    assertThat(pull(null, "hub/java-app:1.0.0").exitCode()).isZero();
    assertThat(expect(200, rest("GET", "/audit?action=pull_gate.set", null)).get("items")).hasSizeGreaterThanOrEqualTo(2);
    assertThat(expect(200, rest("GET", "/audit?action=pull_gate.deleted", null)).get("items")).isNotEmpty();
  }

  @Test
  void anIndexIsRefusedForItsPlatformsAndAVexDocumentOnTheIndexCoversThemAll() throws Exception {
    importFixtureDatabase();
    expect(201, rest("POST", "/repositories", "{\"name\":\"multi/alpine\",\"visibility\":\"public\"}"));
    Path layout = fixture("alpine-3.16-multiarch");
    Processes.run(List.of("skopeo", "--insecure-policy", "copy", "--all", "--dest-tls-verify=false", "--dest-creds",
        Skopeo.adminCreds(), "oci:" + layout + ":" + RealClientsContract.refName(layout),
        "docker://" + registry.host + "/multi/alpine:3.16.9")).requireSuccess();
    awaitIdleJobs();
    JsonNode summary = summary("multi/alpine", "3.16.9");
    String index = summary.get("digest").asText();
    assertThat(summary.get("platforms")).hasSize(2);
    assertThat(summary.get("counts").get("minor").asInt()).as("the Alpine findings have no score: minor").isPositive();
    List<String> ids = new ArrayList<>();
    String arm = null;
    for (JsonNode platform : summary.get("platforms")) {
      if (platform.get("platform").asText().startsWith("linux/arm64")) {
        arm = platform.get("digest").asText();
      }
    }
    for (JsonNode finding : expect(200, rest("GET", "/repositories/multi/alpine/manifests/3.16.9/scan/components", null))
        .get("components")) {
      if (!ids.contains(finding.get("vulnerabilityId").asText())) {
        ids.add(finding.get("vulnerabilityId").asText());
      }
    }
    expect(200, rest("PUT", "/namespaces/multi/pull-gate", "{\"minSeverity\":\"minor\"}"));
    Processes.Result refused = pull(null, "multi/alpine:3.16.9");
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.output()).contains("pull refused: the pull gate of namespace multi refuses", " in linux/");
    Processes.Result child = pull(null, "multi/alpine@" + arm);
    assertThat(child.exitCode()).as("a platform pulled by digest is gated too").isNotZero();
    assertThat(child.output()).contains("pull refused");

    StringBuilder statements = new StringBuilder();
    for (String id : ids) {
      statements.append(statements.isEmpty() ? "" : ",").append("{\"vulnerability\":{\"name\":\"").append(id)
          .append("\"},\"status\":\"not_affected\",\"justification\":\"component_not_present\"}");
    }
    attach("multi/alpine", index, ("{\"@context\":\"https://openvex.dev/ns/v0.2.0\",\"statements\":[" + statements
        + "]}").getBytes(StandardCharsets.UTF_8));
    Processes.Result vexed = pull(null, "multi/alpine:3.16.9");
    assertThat(vexed.exitCode()).as(vexed.output()).isZero();
    Processes.Result vexedChild = pull(null, "multi/alpine@" + arm);
    assertThat(vexedChild.exitCode()).as("the index's document covers its platforms: " + vexedChild.output()).isZero();
    assertThat(summary("multi/alpine", "3.16.9").get("counts").get("total").asInt()).isZero();
  }

  /** Pushes {@code document} as an OpenVEX artifact whose subject is the manifest {@code subject}; returns its digest. */
  private String attach(String repository, String subject, byte[] document) throws Exception {
    String config = client.uploadBlob(repository, "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(config).isEqualTo(EMPTY_CONFIG_DIGEST);
    String layer = client.uploadBlob(repository, document);
    HttpResponse<byte[]> head = client.send("HEAD", "/v2/" + repository + "/manifests/" + subject,
        "repository:" + repository + ":pull", null, "Accept",
        "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json");
    String mediaType = head.headers().firstValue("Content-Type").orElseThrow();
    long size = Long.parseLong(head.headers().firstValue("Content-Length").orElseThrow());
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"artifactType\":\"application/vnd.openvex+json\",\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\","
        + "\"digest\":\"" + EMPTY_CONFIG_DIGEST + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/vnd.openvex+json\","
        + "\"digest\":\"" + layer + "\",\"size\":" + document.length + "}],\"subject\":{\"mediaType\":\"" + mediaType
        + "\",\"digest\":\"" + subject + "\",\"size\":" + size + "}}").getBytes(StandardCharsets.UTF_8);
    String digest = RegistryClient.sha256(manifest);
    HttpResponse<byte[]> pushed = client.send("PUT", "/v2/" + repository + "/manifests/" + digest,
        RegistryClient.push(repository), manifest, "Content-Type", "application/vnd.oci.image.manifest.v1+json");
    assertThat(pushed.statusCode()).as(new String(pushed.body(), StandardCharsets.UTF_8)).isEqualTo(201);
    assertThat(pushed.headers().firstValue("OCI-Subject")).hasValue(subject);
    return digest;
  }

  @Test
  void cliSetsAndShowsGatesAndAllowlistEntries() throws Exception {
    Processes.Result set = registry.cli("gates", "set", "--namespace", "cli", "--min-severity", "major",
        "--refuse-unscanned");
    assertThat(set.exitCode()).as(set.output()).isZero();
    assertThat(set.output()).contains("namespace cli: refuse severity >= major, unscanned");
    Processes.Result added = registry.cli("allowlist", "add", "CVE-2023-42366", "--namespace", "cli", "--package",
        "busybox", "--expires", Instant.now().plusSeconds(86400).toString(), "--justification", "no shell access");
    assertThat(added.exitCode()).as(added.output()).isZero();
    Processes.Result listed = registry.cli("allowlist", "list", "--namespace", "cli");
    assertThat(listed.output()).contains("CVE-2023-42366", "busybox", "no shell access");
    Processes.Result bad = registry.cli("gates", "set", "--repository", "cli/app", "--min-severity", "extreme");
    assertThat(bad.exitCode()).isNotZero();
    assertThat(bad.output()).contains("minSeverity must be critical, major or minor");
    assertThat(registry.cli("gates", "delete", "--namespace", "cli").exitCode()).isZero();
    assertThat(registry.cli("gates", "get", "--namespace", "cli").output()).contains("has no pull gate");
  }
}
