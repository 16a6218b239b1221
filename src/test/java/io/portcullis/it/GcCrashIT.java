package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.HashSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server is killed with SIGKILL while a collection deletes blobs. After the restart every linked
 * blob has its bytes and every kept image pulls; the interrupted run's job is run again once its
 * lease runs out (two minutes) and finishes the work, after which the database and the store agree
 * exactly.
 */
class GcCrashIT {
  private static final int GARBAGE_IMAGES = 600;

  @TempDir
  Path dataDir;

  @Test
  void aCollectionKilledMidwayLeavesEveryLinkedBlobAndFinishesAfterTheRestart() throws Exception {
    int port = ServerProcess.freePort();
    String base = "http://127.0.0.1:" + port;
    RegistryClient client = new RegistryClient(base, TestRegistry.ADMIN, TestRegistry.ADMIN_PASSWORD);
    String admin = "Basic " + Base64.getEncoder().encodeToString((TestRegistry.ADMIN + ":" + TestRegistry.ADMIN_PASSWORD)
        .getBytes(StandardCharsets.UTF_8));
    Random random = new Random(3);
    Map<String, byte[]> kept = new HashMap<>();
    long runId;
    Process server = ServerProcess.start(dataDir, port, Map.of("PORTCULLIS_GC_GRACE", "PT1S", "PORTCULLIS_GC_INTERVAL", ""));
    try {
      ServerProcess.awaitHealthy(base, server);
      for (int i = 0; i < 3; i++) {
        byte[] layer = new byte[50_000];
        random.nextBytes(layer);
        client.pushImage("keep/app", "v" + i, layer);
        kept.put("v" + i, layer);
      }
      for (int i = 0; i < GARBAGE_IMAGES; i++) {
        byte[] layer = new byte[2000];
        random.nextBytes(layer);
        client.pushImage("junk/app", "g" + i, layer);
      }
      assertThat(client.api(admin, "DELETE", "/repositories/junk/app", null).statusCode()).isEqualTo(204);
      Thread.sleep(1200);
      HttpResponse<byte[]> queued = client.api(admin, "POST", "/gc/runs", "{}");
      assertThat(queued.statusCode()).isEqualTo(202);
      runId = RegistryClient.json(queued).get("id").asLong();
      JsonNode run = null;
      for (int i = 0; i < 2000; i++) {
        run = RegistryClient.json(client.api(admin, "GET", "/gc/runs/" + runId, null));
        // The phase is saved as it begins; its counts only once a second, which a small run may not last.
        if (run.get("phase").asText().equals("blobs") || !run.get("state").asText().equals("running")) {
          break;
        }
        Thread.sleep(2);
      }
      assertThat(run.get("state").asText()).as("killed while it deletes: " + run).isEqualTo("running");
    } finally {
      server.destroyForcibly().waitFor();
    }
    long blobsAtKill = count("SELECT COUNT(*) FROM blobs");
    assertThat(blobsAtKill).as("the kill left work to do").isGreaterThan(6);

    server = ServerProcess.start(dataDir, port, Map.of("PORTCULLIS_GC_GRACE", "PT1S", "PORTCULLIS_GC_INTERVAL", ""));
    try {
      ServerProcess.awaitHealthy(base, server);
      assertLinkedBlobsHaveTheirBytes();
      verify(client, kept);
      JsonNode run = null;
      for (int i = 0; i < 1800; i++) {
        run = RegistryClient.json(client.api(admin, "GET", "/gc/runs/" + runId, null));
        if (run.get("state").asText().equals("succeeded")) {
          break;
        }
        Thread.sleep(100);
      }
      assertThat(run.get("state").asText()).as("run again after its lease ran out: " + run).isEqualTo("succeeded");
      verify(client, kept);
    } finally {
      server.destroy();
      server.waitFor();
    }
    assertThat(count("SELECT COUNT(*) FROM blobs")).as("only the kept images' configs and layers").isEqualTo(6);
    assertStoreAgreesWithDatabase();
  }

  private static void verify(RegistryClient client, Map<String, byte[]> kept) throws Exception {
    for (var image : kept.entrySet()) {
      String pull = "repository:keep/app:pull";
      HttpResponse<byte[]> manifest = client.send("GET", "/v2/keep/app/manifests/" + image.getKey(), pull, null);
      assertThat(manifest.statusCode()).isEqualTo(200);
      JsonNode m = RegistryClient.json(manifest);
      for (String digest : List.of(m.get("config").get("digest").asText(),
          m.get("layers").get(0).get("digest").asText())) {
        HttpResponse<byte[]> blob = client.send("GET", "/v2/keep/app/blobs/" + digest, pull, null);
        assertThat(blob.statusCode()).isEqualTo(200);
        assertThat(RegistryClient.sha256(blob.body())).isEqualTo(digest);
      }
      assertThat(m.get("layers").get(0).get("digest").asText()).isEqualTo(RegistryClient.sha256(image.getValue()));
    }
  }

  /** What a crash may leave: rows nothing links without their file; a linked row always has its bytes. */
  private void assertLinkedBlobsHaveTheirBytes() throws Exception {
    for (var row : rows("SELECT DISTINCT b.digest, b.size FROM blobs b JOIN repository_blobs rb ON rb.digest = b.digest")
        .entrySet()) {
      Path file = file(row.getKey());
      assertThat(file).as(row.getKey()).exists();
      assertThat(Files.size(file)).isEqualTo(row.getValue());
    }
  }

  /** Every row has its file with the right bytes, and every file has its row. */
  private void assertStoreAgreesWithDatabase() throws Exception {
    Map<String, Long> rows = rows("SELECT digest, size FROM blobs");
    Set<Path> files = new HashSet<>();
    for (var row : rows.entrySet()) {
      Path file = file(row.getKey());
      assertThat(file).as(row.getKey()).exists();
      assertThat(RegistryClient.sha256(Files.readAllBytes(file))).isEqualTo(row.getKey());
      files.add(file);
    }
    try (Stream<Path> stored = Files.walk(dataDir.resolve("blobs"))) {
      assertThat(stored.filter(Files::isRegularFile).toList()).containsExactlyInAnyOrderElementsOf(files);
    }
  }

  private Path file(String digest) {
    String hex = digest.substring("sha256:".length());
    return dataDir.resolve("blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex);
  }

  private Map<String, Long> rows(String sql) throws Exception {
    Map<String, Long> rows = new HashMap<>();
    try (var connection = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("metadata/portcullis.db"));
         var result = connection.createStatement().executeQuery(sql)) {
      while (result.next()) {
        rows.put(result.getString(1), result.getLong(2));
      }
    }
    return rows;
  }

  private long count(String sql) throws Exception {
    try (var connection = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("metadata/portcullis.db"));
         var result = connection.createStatement().executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }
}
