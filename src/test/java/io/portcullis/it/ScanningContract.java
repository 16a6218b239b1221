package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Scanning through the running registry: images pushed with skopeo are scanned on push; the fixture
 * vulnerability records are imported through the API while the layer files are out of reach (so the
 * re-match provably reads no layer); the findings must reproduce the known answers exactly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ScanningContract extends AdminApiContract {
  @Test
  void scansOnPushAndReproducesTheKnownAnswersAfterAnImportThatReadsNoLayer() throws Exception {
    Path fixtures = Processes.shared().resolve("fixtures");
    List<String[]> pushed = new ArrayList<>();
    for (Path layout : RealClientsContract.fixtureImages()) {
      String ref = RealClientsContract.refName(layout);
      String repo = "hub/" + layout.getFileName();
      Processes.run(List.of("skopeo", "--insecure-policy", "copy", "--all", "--dest-tls-verify=false", "--dest-creds",
          TestRegistry.ADMIN + ":" + TestRegistry.ADMIN_PASSWORD, "oci:" + layout + ":" + ref,
          "docker://" + registry.host + "/" + repo + ":" + ref)).requireSuccess();
      pushed.add(new String[] {layout.getFileName().toString(), repo, ref});
    }
    awaitIdleJobs();
    for (String[] image : pushed) {
      JsonNode summary = RegistryClient.json(api("GET", "/api/v1/repositories/" + image[1] + "/manifests/" + image[2]
          + "/scan", null));
      assertThat(summary.get("status").asText()).as(image[0]).isEqualTo("succeeded");
      assertThat(summary.get("counts").get("total").asInt()).as("no database yet").isZero();
    }

    // Layers out of reach: the re-match after the import must work from stored inventories alone.
    Path blobs = registry.dataDir.resolve("blobs");
    Path away = registry.dataDir.resolve("blobs-away");
    Files.move(blobs, away);
    try {
      for (String dir : List.of("alpine/osv", "debian/osv", "ghsa")) {
        HttpResponse<byte[]> accepted = api("POST", "/api/v1/vulnerability-db/imports?format=osv&source=fixtures-"
            + dir.replace('/', '-'), zip(fixtures.resolve("vulndb").resolve(dir)));
        assertThat(accepted.statusCode()).isEqualTo(202);
        JsonNode job = awaitJob(RegistryClient.json(accepted).get("id").asLong());
        assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("succeeded");
      }
    } finally {
      Files.move(away, blobs);
    }
    JsonNode database = RegistryClient.json(api("GET", "/api/v1/vulnerability-db", null));
    assertThat(database.get("version").asInt()).isEqualTo(3);
    assertThat(database.get("sources")).hasSize(3);

    Path findings = work.resolve("findings.jsonl");
    StringBuilder lines = new StringBuilder();
    for (String[] image : pushed) {
      String base = "/api/v1/repositories/" + image[1] + "/manifests/" + image[2];
      JsonNode summary = RegistryClient.json(api("GET", base + "/scan", null));
      java.util.Set<String> ids = new java.util.TreeSet<>();
      for (JsonNode platform : summary.get("platforms")) {
        String query = platform.has("platform") ? "?platform=" + platform.get("platform").asText() : "";
        JsonNode components = RegistryClient.json(api("GET", base + "/scan/components" + query, null));
        for (JsonNode finding : components.get("components")) {
          ObjectNode line = RegistryClient.JSON.createObjectNode();
          line.put("image", image[0]);
          if (platform.has("platform")) {
            line.put("platform", platform.get("platform").asText());
          }
          line.put("package", finding.get("packageName").asText());
          line.put("version", finding.get("version").asText());
          line.put("path", finding.get("path").asText());
          line.put("vuln_id", finding.get("vulnerabilityId").asText());
          line.set("aliases", finding.get("aliases"));
          lines.append(line).append('\n');
          ids.add(finding.get("vulnerabilityId").asText());
        }
      }
      assertThat(newlyFoundIds(image[1])).as("ids announced by the re-match events of %s", image[1]).isEqualTo(ids);
    }
    Files.writeString(findings, lines);
    Processes.Result compared = Processes.run(List.of("python3", fixtures.resolve("tools/compare_findings.py").toString(),
        fixtures.resolve("expected.json").toString(), findings.toString(), "--unfixed", "--strict"));
    assertThat(compared.exitCode()).as(compared.output()).isZero();
    assertThat(compared.output().strip().lines().reduce((a, b) -> b).orElse("")).endsWith(", 0 failed");
  }

  /** What the re-match announced for a repository: ids found, less ids resolved, over its events in order. */
  private java.util.Set<String> newlyFoundIds(String repository) throws Exception {
    JsonNode events = RegistryClient.json(api("GET", "/api/v1/audit?limit=500&action=vulnerabilities.changed"
        + "&repository=" + repository, null)).get("items");
    java.util.Set<String> ids = new java.util.TreeSet<>();
    for (int i = events.size() - 1; i >= 0; i--) {
      JsonNode detail = events.get(i).get("detail");
      List<String> found = split(detail.get("found").asText());
      assertThat(found).hasSize(Math.min(100, detail.get("foundCount").asInt()));
      ids.addAll(found);
      split(detail.get("resolved").asText()).forEach(ids::remove);
    }
    java.util.Set<String> announced = new java.util.TreeSet<>();
    for (JsonNode found : RegistryClient.json(api("GET", "/api/v1/audit?limit=500&action=vulnerability.found"
        + "&repository=" + repository, null)).get("items")) {
      announced.addAll(split(found.get("detail").get("found").asText()));
    }
    assertThat(announced).as("vulnerability.found events of %s", repository).containsAll(ids);
    return ids;
  }

  private static List<String> split(String ids) {
    return ids.isEmpty() ? List.of() : List.of(ids.split(","));
  }

  @Test
  void viewsExportsAndBadRequests() throws Exception {
    Path layout = Processes.shared().resolve("fixtures/images/java-app");
    String ref = RealClientsContract.refName(layout);
    Processes.run(List.of("skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false", "--dest-creds",
        TestRegistry.ADMIN + ":" + TestRegistry.ADMIN_PASSWORD, "oci:" + layout + ":" + ref,
        "docker://" + registry.host + "/views/java-app:" + ref)).requireSuccess();
    String base = "/api/v1/repositories/views/java-app/manifests/" + ref;
    HttpResponse<byte[]> manual = api("POST", base + "/scan", null);
    assertThat(manual.statusCode()).isEqualTo(202);
    long job = RegistryClient.json(manual).get("id").asLong();
    awaitJob(job);
    long asked = System.nanoTime();
    assertThat(RegistryClient.json(api("GET", "/api/v1/jobs/" + job + "?wait=30", null)).get("state").asText())
        .isEqualTo("succeeded");
    assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("a finished job is answered at once")
        .isLessThan(Duration.ofSeconds(10));
    for (String wait : List.of("31s", "-1", "forever", "1m")) {
      HttpResponse<byte[]> refused = api("GET", "/api/v1/jobs/" + job + "?wait=" + wait, null);
      assertThat(refused.statusCode()).as("wait=" + wait).isEqualTo(400);
    }
    JsonNode layers = RegistryClient.json(api("GET", base + "/scan/layers", null));
    assertThat(layers.get("layers")).hasSize(4);
    assertThat(layers.get("layers").get(0).get("command").asText()).isNotBlank();
    assertThat(layers.get("layers").get(0).get("packages").asInt()).isPositive();
    JsonNode cyclone = RegistryClient.json(api("GET", base + "/sbom?format=cyclonedx", null));
    assertThat(cyclone.get("bomFormat").asText()).isEqualTo("CycloneDX");
    assertThat(cyclone.get("components").size()).isGreaterThan(10);
    JsonNode spdx = RegistryClient.json(api("GET", base + "/sbom?format=spdx", null));
    assertThat(spdx.get("spdxVersion").asText()).isEqualTo("SPDX-2.3");
    assertThat(api("GET", base + "/sbom?format=xml", null).statusCode()).isEqualTo(400);
    assertThat(api("GET", base + "/scan/components?severity=bogus", null).statusCode()).isEqualTo(400);
    assertThat(api("GET", "/api/v1/repositories/views/nothing/manifests/" + ref + "/scan", null).statusCode()).isEqualTo(404);
    HttpResponse<byte[]> badFormat = api("POST", "/api/v1/vulnerability-db/imports?format=nvd", "{}".getBytes());
    assertThat(badFormat.statusCode()).isEqualTo(400);
    assertThat(badFormat.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    long version = RegistryClient.json(api("GET", "/api/v1/vulnerability-db", null)).get("version").asLong();
    HttpResponse<byte[]> garbage = api("POST", "/api/v1/vulnerability-db/imports?format=osv&source=broken",
        "not an osv record".getBytes());
    JsonNode failed = awaitJob(RegistryClient.json(garbage).get("id").asLong());
    assertThat(failed.get("state").asText()).isEqualTo("failed");
    assertThat(failed.get("message").asText()).contains("previous database kept");
    assertThat(RegistryClient.json(api("GET", "/api/v1/vulnerability-db", null)).get("version").asLong()).isEqualTo(version);
    HttpResponse<byte[]> anonymous = client.send("GET", base + "/scan", null, null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
  }

  @Test
  void scanResultsAreReadByWhoeverMayPullAndRequestedByWhoeverMayPush() throws Exception {
    String user = "Basic " + Base64.getEncoder().encodeToString("puller:puller-password-123".getBytes());
    assertThat(client.send("POST", "/api/v1/users", null,
        "{\"name\":\"puller\",\"password\":\"puller-password-123\"}".getBytes(), "Authorization", basic,
        "Content-Type", "application/json").statusCode()).isEqualTo(201);
    assertThat(client.send("POST", "/api/v1/repositories", null,
        "{\"name\":\"open/tiny\",\"visibility\":\"public\"}".getBytes(), "Authorization", basic,
        "Content-Type", "application/json").statusCode()).isEqualTo(201);
    Path layout = Processes.shared().resolve("fixtures/images/clean-tiny");
    String ref = RealClientsContract.refName(layout);
    for (String repository : List.of("open/tiny", "closed/tiny")) {
      Processes.run(List.of("skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false", "--dest-creds",
          TestRegistry.ADMIN + ":" + TestRegistry.ADMIN_PASSWORD, "oci:" + layout + ":" + ref,
          "docker://" + registry.host + "/" + repository + ":" + ref)).requireSuccess();
    }
    awaitIdleJobs();

    String open = "/api/v1/repositories/open/tiny/manifests/" + ref;
    for (String view : List.of("/scan", "/scan/layers", "/scan/components", "/sbom")) {
      HttpResponse<byte[]> anonymous = client.send("GET", open + view, null, null);
      assertThat(anonymous.statusCode()).as("anonymous GET " + view).isEqualTo(200);
      assertThat(client.send("GET", open + view, null, null, "Authorization", user).statusCode())
          .as("puller GET " + view).isEqualTo(200);
    }
    assertThat(RegistryClient.json(client.send("GET", open + "/scan", null, null)).get("status").asText())
        .isEqualTo("succeeded");
    HttpResponse<byte[]> pullerScan = client.send("POST", open + "/scan", null, null, "Authorization", user);
    assertThat(pullerScan.statusCode()).as(new String(pullerScan.body())).isEqualTo(403);
    assertThat(RegistryClient.json(pullerScan).get("detail").asText()).contains("push permission");
    assertThat(client.send("POST", open + "/scan", null, null).statusCode()).isEqualTo(401);
    HttpResponse<byte[]> adminScan = api("POST", open + "/scan", null);
    assertThat(adminScan.statusCode()).isEqualTo(202);
    awaitJob(RegistryClient.json(adminScan).get("id").asLong());

    String closed = "/api/v1/repositories/closed/tiny/manifests/" + ref;
    String absent = "/api/v1/repositories/closed/absent/manifests/" + ref;
    for (String method : List.of("GET", "POST")) {
      assertThat(client.send(method, closed + "/scan", null, null).statusCode()).as("anonymous " + method)
          .isEqualTo(401);
      assertThat(client.send(method, absent + "/scan", null, null).statusCode()).isEqualTo(401);
      HttpResponse<byte[]> hidden = client.send(method, closed + "/scan", null, null, "Authorization", user);
      HttpResponse<byte[]> missing = client.send(method, absent + "/scan", null, null, "Authorization", user);
      assertThat(hidden.statusCode()).as("puller " + method + " on a private repository").isEqualTo(404);
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(RegistryClient.json(hidden).get("detail").asText().replace("tiny", "absent"))
          .isEqualTo(RegistryClient.json(missing).get("detail").asText());
    }
  }

  @Test
  void commandLineImportsAndScansWithProgress() throws Exception {
    Path secdb = Processes.shared().resolve("fixtures/vulndb/alpine/secdb-src");
    Path file;
    try (Stream<Path> files = Files.walk(secdb)) {
      file = files.filter(f -> f.toString().endsWith(".json")).sorted().findFirst().orElseThrow();
    }
    Processes.Result imported = cli("vulndb", "import", file.toString(), "--format", "alpine-secdb", "--source",
        "cli-secdb");
    assertThat(imported.exitCode()).as(imported.output()).isZero();
    assertThat(imported.output()).contains("succeeded");
    Processes.Result status = cli("vulndb", "status", "--output", "json");
    assertThat(RegistryClient.JSON.readTree(status.output()).get("sources").toString()).contains("cli-secdb");
    Path layout = Processes.shared().resolve("fixtures/images/clean-tiny");
    String ref = RealClientsContract.refName(layout);
    Processes.run(List.of("skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false", "--dest-creds",
        TestRegistry.ADMIN + ":" + TestRegistry.ADMIN_PASSWORD, "oci:" + layout + ":" + ref,
        "docker://" + registry.host + "/cli/tiny:" + ref)).requireSuccess();
    Processes.Result scanned = cli("scan", "cli/tiny:" + ref);
    assertThat(scanned.exitCode()).as(scanned.output()).isZero();
    assertThat(scanned.output()).contains("succeeded").contains("critical 0");
    Processes.Result missing = cli("vulndb", "import", "/nonexistent/file.json");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.output()).contains("does not exist");
  }

  @Test
  void metricsReportScansJobsTheVulnerabilityDatabaseAndStorage() throws Exception {
    double scansBefore = sampleOrZero(metrics(), "portcullis_scans_total{outcome=\"succeeded\"}");
    Path layout = Processes.shared().resolve("fixtures/images/clean-tiny");
    String ref = RealClientsContract.refName(layout);
    Processes.run(List.of("skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false", "--dest-creds",
        TestRegistry.ADMIN + ":" + TestRegistry.ADMIN_PASSWORD, "oci:" + layout + ":" + ref,
        "docker://" + registry.host + "/metrics/tiny:" + ref)).requireSuccess();
    Path secdb;
    try (Stream<Path> files = Files.walk(Processes.shared().resolve("fixtures/vulndb/alpine/secdb-src"))) {
      secdb = files.filter(f -> f.toString().endsWith(".json")).sorted().findFirst().orElseThrow();
    }
    HttpResponse<byte[]> accepted = api("POST", "/api/v1/vulnerability-db/imports?format=alpine-secdb&source=metrics-secdb",
        Files.readAllBytes(secdb));
    assertThat(awaitJob(RegistryClient.json(accepted).get("id").asLong()).get("state").asText()).isEqualTo("succeeded");
    awaitIdleJobs();
    // An image scanned before (another test pushed it elsewhere) is not scanned again on push: ask for one.
    HttpResponse<byte[]> scan = api("POST", "/api/v1/repositories/metrics/tiny/manifests/" + ref + "/scan", null);
    assertThat(awaitJob(RegistryClient.json(scan).get("id").asLong()).get("state").asText()).isEqualTo("succeeded");
    JsonNode manifest = RegistryClient.json(client.send("GET", "/v2/metrics/tiny/manifests/" + ref,
        "repository:metrics/tiny:pull", null, "Accept",
        "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json"));
    long imageBytes = manifest.get("config").get("size").asLong();
    for (JsonNode layer : manifest.get("layers")) {
      imageBytes += layer.get("size").asLong();
    }
    // Past the gauges' read interval (a scrape by an earlier test may be cached), and the import ages.
    registry.advanceClock(Duration.ofSeconds(30));

    String text = metrics();
    assertThat(sample(text, "portcullis_scans_total{outcome=\"succeeded\"}")).isGreaterThanOrEqualTo(scansBefore + 1);
    assertThat(sample(text, "portcullis_scan_duration_seconds_count"))
        .isGreaterThanOrEqualTo(sample(text, "portcullis_scans_total{outcome=\"succeeded\"}"));
    assertThat(sample(text, "portcullis_scan_duration_seconds_sum")).isPositive();
    assertThat(sample(text, "portcullis_storage_blobs")).isGreaterThanOrEqualTo(manifest.get("layers").size() + 1);
    assertThat(sample(text, "portcullis_storage_blob_bytes")).isGreaterThanOrEqualTo(imageBytes);
    assertThat(sample(text, "portcullis_vulndb_age_seconds{source=\"metrics-secdb\"}")).isBetween(30.0, 630.0);
    for (String kind : List.of("scan", "vulndb.import", "vulndb.rematch")) {
      assertThat(sample(text, "portcullis_jobs{kind=\"" + kind + "\",state=\"queued\"}")).as(kind).isZero();
      assertThat(sample(text, "portcullis_jobs{kind=\"" + kind + "\",state=\"running\"}")).as(kind).isZero();
      assertThat(sample(text, "portcullis_jobs_oldest_queued_age_seconds{kind=\"" + kind + "\"}")).as(kind).isZero();
    }
    assertThat(sample(text, "portcullis_events_appended_total{type=\"manifest.pushed\"}")).isGreaterThanOrEqualTo(1);
    assertThat(sample(text, "portcullis_events_delivered_total{subscriber=\"scan-on-push\"}")).isGreaterThanOrEqualTo(1);
    assertThat(sample(text, "portcullis_events_pending{subscriber=\"scan-on-push\"}")).isZero();
    assertThat(sample(text, "portcullis_events_reads_dropped_total")).isZero();
  }

  String metrics() throws Exception {
    HttpResponse<byte[]> response = client.send("GET", "/metrics", null, null);
    assertThat(response.statusCode()).isEqualTo(200);
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  static double sample(String metrics, String series) {
    return metrics.lines().filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1))).findFirst()
        .orElseThrow(() -> new AssertionError(series + " is not in /metrics:\n" + metrics));
  }

  /** A labelled counter has no series before its first increment. */
  static double sampleOrZero(String metrics, String series) {
    return metrics.lines().anyMatch(line -> line.startsWith(series + " ")) ? sample(metrics, series) : 0;
  }

  Processes.Result cli(String... args) throws Exception {
    return registry.cli(args);
  }
}
