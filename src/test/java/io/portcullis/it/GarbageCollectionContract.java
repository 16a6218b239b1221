package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Garbage collection on a running server driven by skopeo and the REST API: images that share
 * layers in two repositories, one repository deleted, a dry run and a run; what the other images
 * need still pulls byte for byte and the deleted repository's own blobs are gone from the disk.
 */
abstract class GarbageCollectionContract {
  TestRegistry registry;
  RegistryClient client;
  String admin;
  Path work;

  abstract TestRegistry.Backend backend();

  @BeforeEach
  void start() throws Exception {
    registry = TestRegistry.start(backend());
    client = registry.admin();
    admin = "Basic " + Base64.getEncoder().encodeToString((TestRegistry.ADMIN + ":" + TestRegistry.ADMIN_PASSWORD)
        .getBytes(StandardCharsets.UTF_8));
    work = Files.createTempDirectory("portcullis-gc-it-");
  }

  @AfterEach
  void stop() throws Exception {
    registry.close();
  }

  static Path fixture(String name) {
    return Processes.shared().resolve("fixtures/images/" + name);
  }

  void push(String fixture, String repository, String tag) throws Exception {
    Path layout = fixture(fixture);
    Processes.run(List.of("skopeo", "--insecure-policy", "copy", "--all", "--dest-tls-verify=false", "--dest-creds",
        Skopeo.adminCreds(), "oci:" + layout + ":" + RealClientsContract.refName(layout),
        "docker://" + registry.host + "/" + repository + ":" + tag)).requireSuccess();
  }

  /** Pulls every platform of the image into a fresh layout and checks it against the fixture it came from. */
  void assertPullsByteForByte(String fixture, String repository, String tag) throws Exception {
    Path layout = fixture(fixture);
    String ref = RealClientsContract.refName(layout);
    Path out = work.resolve("pulled-" + repository.replace('/', '-') + "-" + tag + "-" + System.nanoTime());
    Processes.run(List.of("skopeo", "--insecure-policy", "copy", "--all", "--src-tls-verify=false", "--src-creds",
        Skopeo.adminCreds(), "docker://" + registry.host + "/" + repository + ":" + tag, "oci:" + out + ":" + ref))
        .requireSuccess();
    RealClientsContract.assertSameContent(layout, out, ref);
  }

  static Set<String> blobs(String fixture) throws Exception {
    Set<String> digests = new HashSet<>();
    try (Stream<Path> files = Files.list(fixture(fixture).resolve("blobs/sha256"))) {
      files.forEach(f -> digests.add(f.getFileName().toString()));
    }
    return digests;
  }

  Path stored(String hex) {
    return registry.dataDir.resolve("blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex);
  }

  HttpResponse<byte[]> api(String authorization, String method, String path, String body) throws Exception {
    return client.api(authorization, method, path, body);
  }

  JsonNode awaitRun(long id) throws Exception {
    for (int i = 0; i < 600; i++) {
      HttpResponse<byte[]> response = api(admin, "GET", "/gc/runs/" + id, null);
      assertThat(response.statusCode()).isEqualTo(200);
      JsonNode run = RegistryClient.json(response);
      String state = run.get("state").asText();
      if (state.equals("succeeded") || state.equals("failed")) {
        return run;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("gc run " + id + " did not finish");
  }

  JsonNode runGc(String body) throws Exception {
    HttpResponse<byte[]> response = api(admin, "POST", "/gc/runs", body);
    assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(202);
    JsonNode queued = RegistryClient.json(response);
    assertThat(response.headers().firstValue("Location")).hasValue("/api/v1/gc/runs/" + queued.get("id").asLong());
    JsonNode run = awaitRun(queued.get("id").asLong());
    assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("succeeded");
    return run;
  }

  @Test
  void deletingARepositoryAndCollectingFreesItsOwnBlobsAndKeepsEveryOtherImagePullable() throws Exception {
    push("alpine-3.16", "acme/app", "shared");
    push("clean-tiny", "acme/app", "own");
    push("alpine-3.16", "beta/app", "1");
    push("alpine-3.16-multiarch", "beta/multi", "1");
    push("java-app", "beta/java", "1");
    Set<String> own = blobs("clean-tiny");
    own.removeAll(blobs("alpine-3.16"));
    own.removeAll(blobs("alpine-3.16-multiarch"));
    own.removeAll(blobs("java-app"));
    List<Path> ownFiles = new ArrayList<>();
    for (String hex : own) {
      if (Files.exists(stored(hex))) {
        ownFiles.add(stored(hex));
      }
    }
    assertThat(ownFiles).as("clean-tiny's config and layer are files; its manifest is in the database").hasSize(2);
    List<Path> sharedFiles = blobs("alpine-3.16").stream().map(this::stored).filter(Files::exists).toList();

    assertThat(api(admin, "DELETE", "/repositories/acme/app", null).statusCode()).isEqualTo(204);
    assertThat(api(null, "POST", "/gc/runs", "{\"dryRun\":true}").statusCode()).isEqualTo(401);
    // Past the grace window, as a day later.
    registry.advanceClock(Duration.ofHours(2));

    JsonNode dry = runGc("{\"dryRun\":true,\"deleteUntagged\":true}");
    assertThat(dry.get("dryRun").asBoolean()).isTrue();
    assertThat(dry.get("blobs").asLong()).as(dry.toString()).isEqualTo(2);
    assertThat(dry.get("freedBytes").asLong()).isPositive();
    assertThat(ownFiles).allMatch(Files::exists);

    JsonNode run = runGc("{\"deleteUntagged\":true}");
    assertThat(run.get("freedBytes").asLong()).isEqualTo(dry.get("freedBytes").asLong());
    assertThat(run.get("blobs").asLong()).isEqualTo(2);
    assertThat(run.get("manifests").asLong()).as("the multi-arch index's children are kept").isZero();
    assertThat(ownFiles).noneMatch(Files::exists);
    assertThat(sharedFiles).as("the layers beta/app shares").isNotEmpty().allMatch(Files::exists);
    assertPullsByteForByte("alpine-3.16", "beta/app", "1");
    assertPullsByteForByte("alpine-3.16-multiarch", "beta/multi", "1");
    assertPullsByteForByte("java-app", "beta/java", "1");

    JsonNode runs = RegistryClient.json(api(admin, "GET", "/gc/runs", null));
    assertThat(runs.get("items")).hasSize(2);
    assertThat(runs.get("items").get(0).get("id").asLong()).isEqualTo(run.get("id").asLong());
    JsonNode audit = RegistryClient.json(api(admin, "GET", "/audit?action=gc.completed", null));
    assertThat(audit.get("items")).hasSize(2);
    String metrics = new String(client.send("GET", "/metrics", null, null).body(), StandardCharsets.UTF_8);
    assertThat(metrics).containsPattern("portcullis_gc_runs_total\\{(dry_run=\"false\",outcome=\"succeeded\""
            + "|outcome=\"succeeded\",dry_run=\"false\")\\} 1")
        .containsPattern("portcullis_gc_freed_bytes_total [1-9]");

    Processes.Result cli = registry.cli("gc", "run", "--dry-run", "--follow");
    assertThat(cli.output()).as(cli.output()).contains("succeeded (dry run)").contains("would free 0 bytes");
    assertThat(registry.cli("gc", "runs").output().lines().findFirst()).hasValueSatisfying(newest ->
        assertThat(newest).contains("succeeded (dry run)").contains("would free 0 bytes"));
  }
}
