package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes are running when the server is killed with SIGKILL at a random moment, several times over.
 * After every restart everything acknowledged must be there and intact; at the end the database and
 * the blob store must agree.
 */
class CrashSafetyIT {
  private static final int CYCLES = 5;
  private static final int WORKERS = 4;

  @TempDir
  Path dataDir;

  record Acknowledged(String repo, String tag, String digest, byte[] manifest, List<byte[]> blobs) {}

  @Test
  void acknowledgedWritesSurviveSigkillAndStoreStaysConsistent() throws Exception {
    int port = ServerProcess.freePort();
    String base = "http://127.0.0.1:" + port;
    Random random = new Random(7);
    List<Acknowledged> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
    // Tokens survive restarts (the signing key is stored), so each worker logs in once.
    List<RegistryClient> clients = java.util.stream.IntStream.range(0, WORKERS)
        .mapToObj(w -> new RegistryClient(base, TestRegistry.ADMIN, TestRegistry.ADMIN_PASSWORD)).toList();
    for (int cycle = 0; cycle < CYCLES; cycle++) {
      Process server = ServerProcess.start(dataDir, port, Map.of("PORTCULLIS_WEBHOOKS_ALLOWED_NETWORKS", "127.0.0.1/32"));
      try {
        ServerProcess.awaitHealthy(base, server);
        verify(base, acknowledged);
        int before = acknowledged.size();
        // Kill at a random moment once pushes are flowing, so every cycle interrupts real work.
        pushUntilKilled(server, clients, cycle, acknowledged, () -> acknowledged.size() > before,
            200 + random.nextInt(1500));
      } finally {
        server.destroyForcibly().waitFor();
      }
    }
    assertThat(acknowledged).as("pushes were acknowledged before the kills").hasSizeGreaterThan(CYCLES);
    Process server = ServerProcess.start(dataDir, port, Map.of("PORTCULLIS_WEBHOOKS_ALLOWED_NETWORKS", "127.0.0.1/32"));
    try {
      ServerProcess.awaitHealthy(base, server);
      verify(base, acknowledged);
    } finally {
      server.destroy();
      server.waitFor();
    }
    assertStoreAgreesWithDatabase();
  }

  /**
   * The outbox across a SIGKILL: pushes are acknowledged, the server dies before (some of) their events
   * reached scan-on-push, and after the restart every acknowledged push still has its audit entry and
   * its scan queued — none lost, none twice.
   */
  @Test
  void eventsCommittedBeforeASigkillAreDeliveredAfterTheRestart() throws Exception {
    int port = ServerProcess.freePort();
    String base = "http://127.0.0.1:" + port;
    List<Acknowledged> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
    Process server = ServerProcess.start(dataDir, port, Map.of("PORTCULLIS_WEBHOOKS_ALLOWED_NETWORKS", "127.0.0.1/32"));
    ServerProcess.awaitHealthy(base, server);
    server.destroy();
    server.waitFor();
    // Another replica took scan-on-push's lease and died: deliveries wait for the lease to run out, so
    // the kill below lands between commit and delivery for every push, not only when the race allows.
    update("INSERT INTO leases(name, holder, expires_at) VALUES ('events:scan-on-push', 'replica-that-died', "
        + (System.currentTimeMillis() + 30_000) + ")");
    server = ServerProcess.start(dataDir, port, Map.of("PORTCULLIS_WEBHOOKS_ALLOWED_NETWORKS", "127.0.0.1/32"));
    long pendingAtKill;
    try {
      ServerProcess.awaitHealthy(base, server);
      List<RegistryClient> clients = java.util.stream.IntStream.range(0, WORKERS)
          .mapToObj(w -> new RegistryClient(base, TestRegistry.ADMIN, TestRegistry.ADMIN_PASSWORD)).toList();
      pushUntilKilled(server, clients, 99, acknowledged, () -> acknowledged.size() >= 3 * WORKERS, 0);
      pendingAtKill = count("SELECT COUNT(*) FROM event_deliveries WHERE subscriber = 'scan-on-push'");
    } finally {
      server.destroyForcibly().waitFor();
    }
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(3 * WORKERS);
    for (Acknowledged ack : acknowledged) {
      assertThat(count("SELECT COUNT(*) FROM events WHERE type = 'manifest.pushed' AND repository = '" + ack.repo()
          + "' AND tag = '" + ack.tag() + "'")).as("audit entry of %s:%s, committed with the push", ack.repo(), ack.tag())
          .isEqualTo(1);
    }
    assertThat(pendingAtKill).as("deliveries pending at the kill").isGreaterThanOrEqualTo(acknowledged.size());

    server = ServerProcess.start(dataDir, port, Map.of("PORTCULLIS_WEBHOOKS_ALLOWED_NETWORKS", "127.0.0.1/32"));
    try {
      ServerProcess.awaitHealthy(base, server);
      for (int waited = 0; count("SELECT COUNT(*) FROM event_deliveries") > 0 && waited < 900; waited++) {
        Thread.sleep(100);
      }
      assertThat(count("SELECT COUNT(*) FROM event_deliveries")).as("outbox drained after the restart").isZero();
      for (Acknowledged ack : acknowledged) {
        assertThat(count("SELECT COUNT(*) FROM jobs WHERE kind = 'scan' AND subject = '" + ack.digest() + "'"))
            .as("scan of %s queued", ack.digest()).isEqualTo(1);
      }
    } finally {
      server.destroy();
      server.waitFor();
    }
  }

  /**
   * Webhooks across a SIGKILL: the receiver is down while images are pushed, the server dies with their
   * deliveries queued, and after the restart (receiver up) every acknowledged push reaches it, signed.
   */
  @Test
  void webhookDeliveriesQueuedBeforeASigkillAreSentAfterTheRestart() throws Exception {
    int port = ServerProcess.freePort();
    String base = "http://127.0.0.1:" + port;
    try (io.portcullis.webhooks.Receiver receiver = io.portcullis.webhooks.Receiver.start()) {
      receiver.down();
      List<Acknowledged> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
      String secret;
      Process server = ServerProcess.start(dataDir, port, Map.of("PORTCULLIS_WEBHOOKS_ALLOWED_NETWORKS", "127.0.0.1/32"));
      try {
        ServerProcess.awaitHealthy(base, server);
        RegistryClient client = new RegistryClient(base, TestRegistry.ADMIN, TestRegistry.ADMIN_PASSWORD);
        HttpResponse<byte[]> created = client.send("POST", base + "/api/v1/webhooks", null,
            ("{\"url\":\"" + receiver.url("/in") + "\",\"events\":[\"tag.pushed\"]}").getBytes(),
            "Content-Type", "application/json", "Authorization", "Basic " + java.util.Base64.getEncoder()
                .encodeToString((TestRegistry.ADMIN + ":" + TestRegistry.ADMIN_PASSWORD).getBytes()));
        assertThat(created.statusCode()).isEqualTo(201);
        secret = RegistryClient.json(created).get("secret").asText();
        pushUntilKilled(server, List.of(client, client), 7, acknowledged, () -> acknowledged.size() >= 6, 0);
      } finally {
        server.destroyForcibly().waitFor();
      }
      assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(6);
      assertThat(count("SELECT COUNT(*) FROM webhook_deliveries WHERE state <> 'succeeded'")
          + count("SELECT COUNT(*) FROM event_deliveries WHERE subscriber = 'webhooks'"))
          .as("deliveries waiting at the kill").isPositive();

      receiver.up();
      server = ServerProcess.start(dataDir, port, Map.of("PORTCULLIS_WEBHOOKS_ALLOWED_NETWORKS", "127.0.0.1/32"));
      try {
        ServerProcess.awaitHealthy(base, server);
        java.util.Set<String> expected = new java.util.TreeSet<>();
        acknowledged.forEach(a -> expected.add(a.repo() + ":" + a.tag()));
        java.util.Set<String> received = new java.util.TreeSet<>();
        for (int waited = 0; !received.containsAll(expected) && waited < 1200; waited++) {
          Thread.sleep(100);
          for (io.portcullis.webhooks.Receiver.Request request : receiver.requests()) {
            var payload = RegistryClient.JSON.readTree(request.body());
            assertThat(io.portcullis.webhooks.Receiver.verify(request, List.of(secret))).hasSize(1);
            received.add(payload.get("repository").asText() + ":" + payload.get("tag").asText());
          }
        }
        assertThat(received).as("every acknowledged push reached the receiver").containsAll(expected);
      } finally {
        server.destroy();
        server.waitFor();
      }
    }
  }

  private void update(String sql) throws Exception {
    try (var connection = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("metadata/portcullis.db"))) {
      connection.createStatement().executeUpdate(sql);
    }
  }

  private long count(String sql) throws Exception {
    try (var connection = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("metadata/portcullis.db"));
         var result = connection.createStatement().executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }

  /**
   * Pushes from one worker per client until {@code ready} holds (looked at every 50 ms, for a minute at
   * most) and {@code graceMillis} more have passed, then kills the server with SIGKILL and waits for the
   * workers to notice.
   */
  private void pushUntilKilled(Process server, List<RegistryClient> clients, int cycle, List<Acknowledged> acknowledged,
      java.util.function.BooleanSupplier ready, long graceMillis) throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < clients.size(); w++) {
      int worker = w;
      workers.add(Thread.ofVirtual().start(() -> pushUntilStopped(clients.get(worker), cycle, worker, stop, acknowledged)));
    }
    for (int waited = 0; !ready.getAsBoolean() && waited < 1200; waited++) {
      Thread.sleep(50);
    }
    Thread.sleep(graceMillis);
    server.destroyForcibly().waitFor();
    stop.set(true);
    for (Thread worker : workers) {
      worker.join();
    }
  }

  private void pushUntilStopped(RegistryClient client, int cycle, int worker, AtomicBoolean stop,
      List<Acknowledged> acknowledged) {
    Random random = new Random(cycle * 100L + worker);
    String repo = "crash/w" + worker;
    for (int i = 0; !stop.get(); i++) {
      try {
        byte[] layer = new byte[1024 + random.nextInt(2 << 20)];
        random.nextBytes(layer);
        String tag = "c" + cycle + "-" + i;
        byte[] manifest = random.nextBoolean() ? client.pushImage(repo, tag, layer) : pushChunked(client, repo, tag, layer);
        acknowledged.add(new Acknowledged(repo, tag, RegistryClient.sha256(manifest), manifest, List.of(layer)));
      } catch (Exception e) {
        return; // the server died under us: whatever was not acknowledged may be lost
      }
    }
  }

  private static byte[] pushChunked(RegistryClient client, String repo, String tag, byte[] layer) throws Exception {
    String scope = RegistryClient.push(repo);
    byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes();
    String configDigest = client.uploadBlob(repo, config);
    HttpResponse<byte[]> started = client.send("POST", "/v2/" + repo + "/blobs/uploads/", scope, null);
    String location = started.headers().firstValue("Location").orElseThrow();
    int chunk = 256 * 1024;
    for (int offset = 0; offset < layer.length; offset += chunk) {
      int end = Math.min(layer.length, offset + chunk);
      HttpResponse<byte[]> patched = client.send("PATCH", location, scope, java.util.Arrays.copyOfRange(layer, offset, end),
          "Content-Range", offset + "-" + (end - 1));
      if (patched.statusCode() != 202) {
        throw new IllegalStateException("PATCH " + patched.statusCode());
      }
    }
    String layerDigest = RegistryClient.sha256(layer);
    if (client.send("PUT", RegistryClient.withQuery(location, "digest=") + layerDigest, scope, null).statusCode() != 201) {
      throw new IllegalStateException("upload not completed");
    }
    byte[] manifest = RegistryClient.manifest(configDigest, config.length, layerDigest, layer.length);
    HttpResponse<byte[]> put = client.send("PUT", "/v2/" + repo + "/manifests/" + tag, scope, manifest,
        "Content-Type", "application/vnd.oci.image.manifest.v1+json");
    if (put.statusCode() != 201) {
      throw new IllegalStateException("manifest " + put.statusCode());
    }
    return manifest;
  }

  private static void verify(String base, List<Acknowledged> acknowledged) throws Exception {
    RegistryClient client = new RegistryClient(base, TestRegistry.ADMIN, TestRegistry.ADMIN_PASSWORD);
    for (Acknowledged ack : List.copyOf(acknowledged)) {
      String pull = "repository:" + ack.repo() + ":pull";
      HttpResponse<byte[]> byTag = client.send("GET", "/v2/" + ack.repo() + "/manifests/" + ack.tag(), pull, null);
      assertThat(byTag.statusCode()).as(ack.repo() + ":" + ack.tag()).isEqualTo(200);
      assertThat(byTag.body()).isEqualTo(ack.manifest());
      for (byte[] blob : ack.blobs()) {
        HttpResponse<byte[]> got = client.send("GET", "/v2/" + ack.repo() + "/blobs/" + RegistryClient.sha256(blob), pull, null);
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(RegistryClient.sha256(got.body())).isEqualTo(RegistryClient.sha256(blob));
      }
    }
  }

  /** Every blob row has its file with the right bytes, and every file under blobs/ is whole. */
  private void assertStoreAgreesWithDatabase() throws Exception {
    Map<String, Long> rows = new ConcurrentHashMap<>();
    try (var connection = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("metadata/portcullis.db"));
         var result = connection.createStatement().executeQuery("SELECT digest, size FROM blobs")) {
      while (result.next()) {
        rows.put(result.getString(1), result.getLong(2));
      }
    }
    assertThat(rows).isNotEmpty();
    for (var row : rows.entrySet()) {
      String hex = row.getKey().substring("sha256:".length());
      Path file = dataDir.resolve("blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex);
      assertThat(file).as(row.getKey()).exists();
      assertThat(Files.size(file)).isEqualTo(row.getValue());
    }
    try (Stream<Path> files = Files.walk(dataDir.resolve("blobs"))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertThat(RegistryClient.sha256(Files.readAllBytes(file))).isEqualTo("sha256:" + file.getFileName());
      }
    }
  }
}
