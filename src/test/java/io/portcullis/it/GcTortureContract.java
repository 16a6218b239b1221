package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.app.Setting;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bounded torture (about half a minute): pushers share a few layers across repositories, move tags
 * between images and delete tags, while garbage collection (untagged manifests included, a grace
 * window of two seconds) runs in a loop. Afterwards every tagged image pulls and verifies byte for
 * byte, and once past the grace window a collection leaves nothing unreferenced behind.
 */
abstract class GcTortureContract {
  private static final Duration LENGTH = Duration.ofSeconds(25);
  private static final int PUSHERS = 4;
  private static final int LAYERS = 8;
  private static final int TAGS = 4;

  TestRegistry registry;
  RegistryClient client;
  String admin;

  abstract TestRegistry.Backend backend();

  @BeforeEach
  void start() throws Exception {
    registry = TestRegistry.start(backend(), Map.of(Setting.GC_GRACE, "PT2S", Setting.GC_INTERVAL, "",
        Setting.GC_DELETE_UNTAGGED, "true"));
    client = registry.admin();
    admin = "Basic " + Base64.getEncoder().encodeToString((TestRegistry.ADMIN + ":" + TestRegistry.ADMIN_PASSWORD)
        .getBytes(StandardCharsets.UTF_8));
  }

  @AfterEach
  void stop() throws Exception {
    registry.close();
  }

  static String repository(int pusher) {
    return "ns" + (pusher % 2) + "/r" + pusher;
  }

  @Test
  void pushesTagMovesAndDeletesDuringCollectionsLoseNoTaggedImage() throws Exception {
    Random seed = new Random(10);
    List<byte[]> layers = new ArrayList<>();
    for (int i = 0; i < LAYERS; i++) {
      byte[] layer = new byte[1000 + seed.nextInt(200_000)];
      seed.nextBytes(layer);
      layers.add(layer);
    }
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger pushed = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int p = 0; p < PUSHERS; p++) {
      int pusher = p;
      RegistryClient own = new RegistryClient(registry.baseUrl(), TestRegistry.ADMIN, TestRegistry.ADMIN_PASSWORD);
      threads.add(Thread.ofVirtual().start(() -> {
        Random random = new Random(pusher);
        String repo = repository(pusher);
        while (!stop.get()) {
          try {
            String tag = "t" + random.nextInt(TAGS);
            if (random.nextInt(5) == 0) {
              own.send("DELETE", "/v2/" + repo + "/manifests/" + tag, RegistryClient.push(repo), null);
            } else {
              own.pushImage(repo, tag, layers.get(random.nextInt(LAYERS)));
              pushed.incrementAndGet();
            }
          } catch (java.io.IOException e) {
            // MANIFEST_BLOB_UNKNOWN: the collector took a blob between its upload and the manifest
            // (possible only past the grace window); the client pushes again, as real ones do.
            refused.incrementAndGet();
          } catch (Exception | Error e) {
            failures.add(e);
            return;
          }
        }
      }));
    }
    AtomicInteger collections = new AtomicInteger();
    threads.add(Thread.ofVirtual().start(() -> {
      while (!stop.get()) {
        try {
          HttpResponse<byte[]> queued = client.api(admin, "POST", "/gc/runs", "{}");
          if (queued.statusCode() == 202) {
            JsonNode run = awaitRun(RegistryClient.json(queued).get("id").asLong());
            if (!run.get("state").asText().equals("succeeded")) {
              failures.add(new AssertionError("gc run failed: " + run));
              return;
            }
            collections.incrementAndGet();
          }
        } catch (Exception | Error e) {
          failures.add(e);
          return;
        }
      }
    }));
    Thread.sleep(LENGTH.toMillis());
    stop.set(true);
    for (Thread t : threads) {
      t.join(60_000);
    }
    assertThat(failures).isEmpty();
    assertThat(collections.get()).as("collections ran during the pushes").isGreaterThan(2);
    assertThat(pushed.get()).isGreaterThan(50);
    int tagged = verifyTaggedImages();
    assertThat(tagged).isPositive();

    registry.advanceClock(Duration.ofMinutes(1));
    JsonNode last = runNow("{}");
    JsonNode dry = runNow("{\"dryRun\":true}");
    assertThat(List.of(dry.get("manifests").asLong(), dry.get("links").asLong(), dry.get("blobs").asLong(),
        dry.get("orphanFiles").asLong())).as("nothing unreferenced remains: " + dry).containsOnly(0L);
    assertThat(verifyTaggedImages()).isEqualTo(tagged);
    System.out.printf("gc torture (%s): %d pushes, %d refused and retried, %d collections, %d tagged images, "
        + "last run freed %d bytes%n", backend(), pushed.get(), refused.get(), collections.get(), tagged,
        last.get("freedBytes").asLong());
  }

  /** Every tag that exists pulls: its manifest, config and layer, each matching its digest. */
  private int verifyTaggedImages() throws Exception {
    int tagged = 0;
    for (int p = 0; p < PUSHERS; p++) {
      String repo = repository(p);
      String pull = "repository:" + repo + ":pull";
      for (int t = 0; t < TAGS; t++) {
        HttpResponse<byte[]> manifest = client.send("GET", "/v2/" + repo + "/manifests/t" + t, pull, null,
            "Accept", "application/vnd.oci.image.manifest.v1+json");
        if (manifest.statusCode() == 404) {
          continue;
        }
        assertThat(manifest.statusCode()).isEqualTo(200);
        JsonNode m = RegistryClient.json(manifest);
        List<String> digests = new ArrayList<>(List.of(m.get("config").get("digest").asText()));
        m.get("layers").forEach(l -> digests.add(l.get("digest").asText()));
        for (String digest : digests) {
          HttpResponse<byte[]> blob = client.send("GET", "/v2/" + repo + "/blobs/" + digest, pull, null);
          assertThat(blob.statusCode()).as(repo + ":t" + t + " " + digest).isEqualTo(200);
          assertThat(RegistryClient.sha256(blob.body())).isEqualTo(digest);
        }
        tagged++;
      }
    }
    return tagged;
  }

  private JsonNode runNow(String body) throws Exception {
    for (int i = 0; i < 300; i++) {
      HttpResponse<byte[]> queued = client.api(admin, "POST", "/gc/runs", body);
      if (queued.statusCode() == 202) {
        JsonNode run = awaitRun(RegistryClient.json(queued).get("id").asLong());
        assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("succeeded");
        return run;
      }
      assertThat(queued.statusCode()).isEqualTo(409);
      Thread.sleep(100);
    }
    throw new AssertionError("no gc run could be queued");
  }

  private JsonNode awaitRun(long id) throws Exception {
    for (int i = 0; i < 1200; i++) {
      JsonNode run = RegistryClient.json(client.api(admin, "GET", "/gc/runs/" + id, null));
      String state = run.get("state").asText();
      if (state.equals("succeeded") || state.equals("failed")) {
        return run;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("gc run " + id + " did not finish");
  }
}
