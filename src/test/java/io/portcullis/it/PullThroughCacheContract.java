package io.portcullis.it;

import static io.portcullis.it.IdentityApiContract.expect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Pull-through caches against a real upstream on 127.0.0.1: the CNCF distribution registry with
 * fixture images pushed by skopeo, behind proxies of ours that count requests, refuse everything
 * (429), or flip a byte of every blob. Images are pulled through Portcullis with skopeo and compared
 * byte for byte; the freshness window is crossed by moving the server's clock.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class PullThroughCacheContract extends UpstreamWorld {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  UpstreamProxy proxy;

  @BeforeAll
  void startProxy() throws Exception {
    proxy = proxy();
  }

  private UpstreamProxy proxy() throws Exception {
    UpstreamProxy p = new UpstreamProxy("http://" + distribution);
    closing.add(p);
    return p;
  }

  static Path fixture(String name) {
    return Processes.shared().resolve("fixtures/images/" + name);
  }

  JsonNode createCache(String namespace, String freshness, String... upstreams) throws Exception {
    return expect(201, api("POST", "/caches", "{\"namespace\":\"" + namespace + "\",\"freshness\":\"" + freshness
        + "\",\"upstreams\":[" + String.join(",", upstreams) + "]}"));
  }

  static String upstream(String registry, String prefix) {
    return "{\"registry\":\"" + registry + "\"" + (prefix == null ? "" : ",\"prefix\":\"" + prefix + "\"") + "}";
  }

  /** Pulls every platform of {@code source} into a new OCI layout and checks it against the fixture. */
  Processes.Result pull(String source, Path out) throws Exception {
    return Processes.run(List.of("skopeo", "--insecure-policy", "copy", "--all", "--src-tls-verify=false",
        "--src-creds", Skopeo.adminCreds(), "docker://" + registry.host + "/" + source, "oci:" + out + ":pulled"),
        null, 300);
  }

  /** A GET as the administrator, with a token newer than any move of the server's clock. */
  HttpResponse<byte[]> manifest(String repository, String reference) throws Exception {
    return registry.admin().send("GET", "/v2/" + repository + "/manifests/" + reference, "repository:" + repository + ":pull",
        null, "Accept", "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
            + "application/vnd.docker.distribution.manifest.v2+json, "
            + "application/vnd.docker.distribution.manifest.list.v2+json");
  }

  double metric(String line) throws Exception {
    String text = new String(client.send("GET", "/metrics", null, null).body(), StandardCharsets.UTF_8);
    return text.lines().filter(l -> l.startsWith(line + " ")).mapToDouble(l -> Double.parseDouble(
        l.substring(line.length() + 1).strip())).findFirst().orElse(0);
  }

  @Test
  @Order(1)
  void aFirstPullFetchesFromUpstreamAndStoresByteForByteInAPrivateRepository() throws Exception {
    JsonNode cache = createCache("dockerhub", "PT10M", upstream(proxy.url(), null));
    assertThat(cache.get("freshness").asText()).isEqualTo("PT10M");
    assertThat(cache.get("upstreams").get(0).get("authenticated").asBoolean()).isFalse();
    for (String[] image : List.of(new String[] {"alpine-3.16", "3.16.9"}, new String[] {"alpine-3.16-multiarch", "3.16"},
        new String[] {"clean-tiny", "1.0"})) {
      Path out = work.resolve("first-" + image[1]);
      pull("dockerhub/library/alpine:" + image[1], out).requireSuccess();
      RealClientsContract.assertSameContent(fixture(image[0]), out, "pulled");
      assertThat(raw("docker://" + registry.host + "/dockerhub/library/alpine:" + image[1], Skopeo.adminCreds()))
          .isEqualTo(raw("docker://" + distribution + "/library/alpine:" + image[1], null));
    }
    assertThat(expect(200, api("GET", "/repositories/dockerhub/library/alpine", null)).get("visibility").asText())
        .isEqualTo("private");
    HttpResponse<byte[]> tags = client.send("GET", "/v2/dockerhub/library/alpine/tags/list",
        "repository:dockerhub/library/alpine:pull", null);
    assertThat(RegistryClient.json(tags).get("tags").toString())
        .as("every image went into the registry whole, with its tag").isEqualTo("[\"1.0\",\"3.16\",\"3.16.9\"]");
    JsonNode cached = expect(200, api("GET", "/audit?action=image.cached&repository=dockerhub/library/alpine", null));
    // Three tags, and the platform manifest of the index that is not 3.16.9's (stored by then).
    assertThat(cached.get("items")).hasSize(4);
    assertThat(expect(200, api("GET", "/audit?action=manifest.pushed&repository=dockerhub/library/alpine", null))
        .get("items")).isNotEmpty();
    assertThat(metric("portcullis_cache_upstream_fetches_total{cache=\"dockerhub\",kind=\"blob\"}")).isPositive();
  }

  @Test
  @Order(2)
  void laterPullsAreServedFromTheStoredCopyWithoutAnyUpstream() throws Exception {
    proxy.refuseWith = 503;
    int before = proxy.requests.get();
    try {
      Path out = work.resolve("second");
      pull("dockerhub/library/alpine:3.16", out).requireSuccess();
      RealClientsContract.assertSameContent(fixture("alpine-3.16-multiarch"), out, "pulled");
      String digest = manifest("dockerhub/library/alpine", "1.0").headers().firstValue("Docker-Content-Digest")
          .orElseThrow();
      HttpResponse<byte[]> byDigest = manifest("dockerhub/library/alpine", digest);
      assertThat(byDigest.statusCode()).isEqualTo(200);
      assertThat(byDigest.headers().firstValue("Warning")).isEmpty();
      assertThat(proxy.requests.get()).as("no request reached the upstream").isEqualTo(before);
    } finally {
      proxy.refuseWith = 0;
    }
    assertThat(metric("portcullis_cache_hits_total{cache=\"dockerhub\"}")).isPositive();
  }

  @Test
  @Order(3)
  void aTagMovedUpstreamIsServedAnewOnceTheFreshnessWindowHasPassed() throws Exception {
    String old = raw("docker://" + registry.host + "/dockerhub/library/alpine:3.16.9", Skopeo.adminCreds());
    pushUpstream("clean-tiny", "library/alpine:3.16.9");
    String moved = raw("docker://" + distribution + "/library/alpine:3.16.9", null);
    assertThat(moved).isNotEqualTo(old);
    assertThat(raw("docker://" + registry.host + "/dockerhub/library/alpine:3.16.9", Skopeo.adminCreds()))
        .as("within the window the cached tag is trusted").isEqualTo(old);
    int heads = proxy.requests.get();
    registry.advanceClock(Duration.ofMinutes(11));
    assertThat(raw("docker://" + registry.host + "/dockerhub/library/alpine:3.16.9", Skopeo.adminCreds()))
        .isEqualTo(moved);
    assertThat(proxy.requests.get()).isGreaterThan(heads);
    Path out = work.resolve("moved");
    pull("dockerhub/library/alpine:3.16.9", out).requireSuccess();
    RealClientsContract.assertSameContent(fixture("clean-tiny"), out, "pulled");
  }

  @Test
  @Order(4)
  void anUpstreamAnswering429MakesTheCachedCopyServedWithAWarning() throws Exception {
    registry.advanceClock(Duration.ofMinutes(11));
    proxy.refuseWith = 429;
    double stale = metric("portcullis_cache_stale_served_total{cache=\"dockerhub\"}");
    try {
      HttpResponse<byte[]> response = manifest("dockerhub/library/alpine", "1.0");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Warning").orElseThrow()).startsWith("110 - \"cached copy of ")
          .contains("429");
      HttpResponse<byte[]> unknown = manifest("dockerhub/library/alpine", "never-fetched");
      assertThat(unknown.statusCode()).as("nothing cached to fall back on").isEqualTo(429);
    } finally {
      proxy.refuseWith = 0;
    }
    assertThat(metric("portcullis_cache_stale_served_total{cache=\"dockerhub\"}")).isEqualTo(stale + 1);
  }

  @Test
  @Order(5)
  void upstreamsAreAskedInOrderAndTheFirstThatHasTheImageServesIt() throws Exception {
    UpstreamProxy first = proxy();
    UpstreamProxy second = proxy();
    createCache("ordered", "PT10M", upstream(first.url(), "empty"), upstream(second.url(), null));
    Path out = work.resolve("ordered");
    pull("ordered/library/alpine:1.0", out).requireSuccess();
    RealClientsContract.assertSameContent(fixture("clean-tiny"), out, "pulled");
    assertThat(first.manifestGets.get()).as("asked first, answered 404 for empty/library/alpine").isEqualTo(1);
    assertThat(first.blobGets.get()).isZero();
    assertThat(second.blobGets.get()).isPositive();
  }

  @Test
  @Order(6)
  void anAnonymousCallerOfAPrivateCacheIsRefusedAndMakesNoUpstreamRequest() throws Exception {
    int before = proxy.requests.get();
    HttpResponse<byte[]> anonymous = HTTP.send(HttpRequest.newBuilder(URI.create(client.baseUrl()
        + "/v2/dockerhub/library/busybox/manifests/latest")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    HttpResponse<byte[]> cachedRepo = HTTP.send(HttpRequest.newBuilder(URI.create(client.baseUrl()
        + "/v2/dockerhub/library/alpine/manifests/1.0")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(cachedRepo.statusCode()).isEqualTo(401);
    assertThat(proxy.requests.get()).isEqualTo(before);
  }

  @Test
  @Order(7)
  void pushingIntoACacheNamespaceIsDenied() throws Exception {
    HttpResponse<byte[]> upload = client.send("POST", "/v2/dockerhub/library/mine/blobs/uploads/",
        "repository:dockerhub/library/mine:pull,push", null);
    assertThat(upload.statusCode()).isEqualTo(403);
    assertThat(RegistryClient.errorCode(upload)).isEqualTo("DENIED");
    assertThat(new String(upload.body(), StandardCharsets.UTF_8)).contains("pull-through cache namespace dockerhub");
    Processes.Result push = Skopeo.copyIn(fixture("clean-tiny"), Skopeo.adminCreds(),
        "docker://" + registry.host + "/dockerhub/library/alpine:pushed");
    assertThat(push.exitCode()).isNotZero();
  }

  @Test
  @Order(8)
  void aBlobCorruptedOnTheWayIsNeverStoredNorHandedOutWhole() throws Exception {
    UpstreamProxy corrupting = proxy();
    corrupting.flipBlobBytes = true;
    createCache("corrupt", "PT10M", upstream(corrupting.url(), null));
    Processes.Result broken = pull("corrupt/library/alpine:1.0", work.resolve("corrupt"));
    assertThat(broken.exitCode()).as(broken.output()).isNotZero();
    int fetched = corrupting.blobGets.get();
    assertThat(fetched).isPositive();
    HttpResponse<byte[]> tags = client.send("GET", "/v2/corrupt/library/alpine/tags/list",
        "repository:corrupt/library/alpine:pull", null);
    assertThat(tags.statusCode() == 404 || RegistryClient.json(tags).path("tags").isEmpty())
        .as("the image never went into the registry: %s", new String(tags.body(), StandardCharsets.UTF_8)).isTrue();
    corrupting.flipBlobBytes = false;
    Path out = work.resolve("corrupt-fixed");
    pull("corrupt/library/alpine:1.0", out).requireSuccess();
    RealClientsContract.assertSameContent(fixture("clean-tiny"), out, "pulled");
    assertThat(corrupting.blobGets.get()).as("the corrupted blob was fetched again: it had not been stored")
        .isGreaterThan(fetched);
  }

  @Test
  @Order(9)
  void cachesAreManagedOverRestAndNeverShowCredentials() throws Exception {
    JsonNode created = createCache("private-hub", "PT1M", "{\"registry\":\"" + proxy.url()
        + "\",\"username\":\"me\",\"password\":\"" + TestRegistry.ADMIN_PASSWORD + "-upstream\"}");
    long id = created.get("id").asLong();
    assertThat(created.toString()).doesNotContain(TestRegistry.ADMIN_PASSWORD + "-upstream");
    assertThat(created.get("upstreams").get(0).get("authenticated").asBoolean()).isTrue();
    assertThat(expect(409, api("POST", "/caches", "{\"namespace\":\"private-hub\",\"upstreams\":[{\"registry\":\""
        + proxy.url() + "\"}]}")).toString()).contains("already has a cache");
    assertThat(expect(400, api("POST", "/caches", "{\"namespace\":\"meta\",\"upstreams\":[{\"registry\":"
        + "\"http://169.254.169.254\"}]}")).get("detail").asText()).contains("refused");
    assertThat(expect(400, api("POST", "/caches", "{\"namespace\":\"a/b\",\"upstreams\":[{\"registry\":\"" + proxy.url()
        + "\"}]}")).get("detail").asText()).contains("not a namespace");
    JsonNode updated = expect(200, api("PATCH", "/caches/" + id, "{\"freshness\":\"PT5M\"}"));
    assertThat(updated.get("freshness").asText()).isEqualTo("PT5M");
    assertThat(updated.get("upstreams").get(0).get("authenticated").asBoolean()).as("left out: kept").isTrue();
    assertThat(expect(200, api("GET", "/caches", null)).toString()).contains("private-hub")
        .doesNotContain(TestRegistry.ADMIN_PASSWORD + "-upstream");
    expect(204, api("DELETE", "/caches/" + id, null));
    expect(404, api("GET", "/caches/" + id, null));
    assertThat(expect(200, api("GET", "/audit?action=cache.created", null)).toString())
        .doesNotContain(TestRegistry.ADMIN_PASSWORD + "-upstream");
  }

  @Test
  @Order(10)
  void theCliCreatesListsUpdatesAndDeletesCaches() throws Exception {
    Processes.Result created = registry.cli("caches", "create", "cli-hub", "--freshness", "PT2M",
        "--upstream", proxy.url(), "--prefix", "mirrored", "--upstream", "http://" + distribution);
    assertThat(created.exitCode()).as(created.output()).isZero();
    assertThat(created.output()).contains("cli-hub").contains(proxy.url() + "/mirrored, http://" + distribution)
        .contains("fresh for PT2M");
    Processes.Result list = registry.cli("caches", "list");
    assertThat(list.output()).contains("dockerhub").contains("cli-hub");
    long id = created.output().lines().map(String::strip).filter(l -> l.contains("cli-hub"))
        .map(l -> Long.parseLong(l.split(" +")[0])).findFirst().orElseThrow();
    Processes.Result updated = registry.cli("caches", "update", String.valueOf(id), "--freshness", "PT0S");
    assertThat(updated.output()).as(updated.output()).contains("fresh for PT0S").contains("/mirrored");
    Processes.Result deleted = registry.cli("caches", "delete", String.valueOf(id));
    assertThat(deleted.exitCode()).as(deleted.output()).isZero();
    assertThat(api("GET", "/caches/" + id, null).statusCode()).isEqualTo(404);
  }

  /** The largest layer of a manifest the cache fetched (by digest) into {@code repository}. */
  JsonNode largestLayer(String repository, String digest) throws Exception {
    HttpResponse<byte[]> manifest = manifest(repository, digest);
    assertThat(manifest.statusCode()).as(new String(manifest.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    JsonNode largest = null;
    for (JsonNode layer : RegistryClient.json(manifest).get("layers")) {
      if (largest == null || layer.get("size").asLong() > largest.get("size").asLong()) {
        largest = layer;
      }
    }
    return largest;
  }

  HttpResponse<java.io.InputStream> openBlob(String repository, String digest) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(client.baseUrl() + "/v2/" + repository + "/blobs/" + digest))
        .header("Authorization", "Bearer " + registry.admin().token("repository:" + repository + ":pull")).GET()
        .build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  @Test
  @Order(11)
  void aBlobStreamsToTheClientWhileItIsFetchedAndIsStoredEvenWhenTheClientLeaves() throws Exception {
    UpstreamProxy slow = proxy();
    createCache("stream", "PT10M", upstream(slow.url(), null));
    java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
    slow.holdBlobs = hold;
    JsonNode layer = largestLayer("stream/library/alpine",
        "sha256:8ec6cdfd425c062fd97f0a40ca3ef3bb8038e9cbfb4e3118270e1d407f60f4e2");
    String digest = layer.get("digest").asText();
    long size = layer.get("size").asLong();
    java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
    try (java.io.InputStream in = threads.submit(() -> openBlob("stream/library/alpine", digest).body())
        .get(20, java.util.concurrent.TimeUnit.SECONDS)) {
      byte[] first = threads.submit(() -> in.readNBytes((int) (size / 4))).get(20, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(first).as("the first bytes arrive while the upstream is still sending").hasSize((int) (size / 4));
      hold.countDown();
      byte[] rest = in.readAllBytes();
      byte[] all = new byte[first.length + rest.length];
      System.arraycopy(first, 0, all, 0, first.length);
      System.arraycopy(rest, 0, all, first.length, rest.length);
      assertThat(RegistryClient.sha256(all)).isEqualTo(digest);
    }

    java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
    slow.holdBlobs = held;
    JsonNode other = largestLayer("stream/library/alpine",
        "sha256:f174505384847a69841ae484d40234f7a92b45f2246d7b8ba3090fe6136d073e");
    String otherDigest = other.get("digest").asText();
    java.io.InputStream leaving = threads.submit(() -> openBlob("stream/library/alpine", otherDigest).body())
        .get(20, java.util.concurrent.TimeUnit.SECONDS);
    threads.submit(() -> leaving.readNBytes(1024)).get(20, java.util.concurrent.TimeUnit.SECONDS);
    leaving.close();
    // From now on a fetch would be refused: only the copy in flight can store the blob.
    slow.refuseWith = 503;
    held.countDown();
    int blobGets = slow.blobGets.get();
    HttpResponse<byte[]> stored = null;
    for (int i = 0; i < 100; i++) {
      stored = client.send("HEAD", "/v2/stream/library/alpine/blobs/" + otherDigest,
          "repository:stream/library/alpine:pull", null);
      if (stored.statusCode() == 200) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(stored.statusCode()).isEqualTo(200);
    assertThat(slow.blobGets.get()).as("the copy the client left was finished and stored").isEqualTo(blobGets);
    threads.shutdownNow();
  }

  @Test
  @Order(12)
  void aTagGoneUpstreamLeavesTheCachedCopyServedWithAWarning() throws Exception {
    Processes.run(List.of("skopeo", "delete", "--tls-verify=false", "--no-creds",
        "docker://" + distribution + "/library/alpine:3.16")).requireSuccess();
    registry.advanceClock(Duration.ofMinutes(11));
    HttpResponse<byte[]> response = manifest("dockerhub/library/alpine", "3.16");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Warning").orElseThrow()).contains("has no tag 3.16");
    assertThat(RegistryClient.json(response).get("manifests")).hasSize(2);
  }

  @Test
  @Order(20)
  void aKilledUpstreamLeavesTheCachedCopyServedWithAWarning() throws Exception {
    upstream.kill();
    registry.advanceClock(Duration.ofMinutes(11));
    HttpResponse<byte[]> response = manifest("dockerhub/library/alpine", "1.0");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Warning").orElseThrow()).startsWith("110 - ");
    Path out = work.resolve("killed");
    pull("dockerhub/library/alpine:1.0", out).requireSuccess();
    RealClientsContract.assertSameContent(fixture("clean-tiny"), out, "pulled");
  }
}
