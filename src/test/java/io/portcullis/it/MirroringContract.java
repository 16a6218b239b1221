package io.portcullis.it;

import static io.portcullis.it.IdentityApiContract.expect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Pull mirrors against real upstreams on 127.0.0.1: the CNCF distribution registry (anonymous), a
 * second Portcullis (token auth with credentials), and a proxy of ours in front of distribution that
 * corrupts blobs or announces a spent rate-limit budget. Fixture images go upstream with skopeo and
 * come out of the mirror with skopeo ({@link UpstreamWorld}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class MirroringContract extends UpstreamWorld {
  static final String PASSWORD_MARK = TestRegistry.ADMIN_PASSWORD;

  JsonNode createMirror(String body) throws Exception {
    return expect(201, api("POST", "/mirrors", body));
  }

  /** The mirror's run of job {@code job} (any run when negative) once it has finished. */
  JsonNode awaitRun(long mirror, long job) throws Exception {
    for (int i = 0; i < 1200; i++) {
      for (JsonNode run : expect(200, api("GET", "/mirrors/" + mirror + "/runs", null)).get("items")) {
        boolean finished = run.get("state").asText().equals("succeeded") || run.get("state").asText().equals("failed");
        if ((job < 0 || run.get("job").asLong() == job) && finished) {
          return run;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("mirror " + mirror + " did not finish a run of job " + job);
  }

  /** The upstream's tag listings answered 304 Not Modified so far. */
  static double notModifiedListings(TestRegistry upstream) throws Exception {
    String metrics = new String(upstream.admin().send("GET", "/metrics", null, null).body(), StandardCharsets.UTF_8);
    return metrics.lines().filter(line -> line.startsWith("portcullis_http_requests_total{")
        && line.contains("route=\"v2.tags\"") && line.contains("status=\"304\""))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  JsonNode runNow(long mirror) throws Exception {
    long job = expect(202, api("POST", "/mirrors/" + mirror + "/runs", null)).get("job").asLong();
    return awaitRun(mirror, job);
  }

  @Test
  @Order(1)
  void aMirrorCopiesEveryTagByteForByteIntoAPrivateRepository() throws Exception {
    JsonNode mirror = createMirror("{\"target\":\"hub/alpine\",\"registry\":\"http://" + distribution
        + "\",\"repository\":\"library/alpine\"}");
    assertThat(mirror.get("interval").asText()).isEqualTo("PT15M");
    assertThat(mirror.get("upstream").get("url").asText()).isEqualTo("http://" + distribution);
    JsonNode run = awaitRun(mirror.get("id").asLong(), -1);
    assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("succeeded");
    assertThat(run.get("tags").get("seen").asInt()).isEqualTo(3);
    assertThat(run.get("tags").get("added").asInt()).isEqualTo(3);
    assertThat(run.get("bytes").asLong()).isPositive();
    assertThat(expect(200, api("GET", "/repositories/hub/alpine", null)).get("visibility").asText())
        .isEqualTo("private");
    for (String tag : List.of("3.16.9", "3.16", "1.0")) {
      assertThat(raw("docker://" + registry.host + "/hub/alpine:" + tag, Skopeo.adminCreds()))
          .as("manifest of %s", tag).isEqualTo(raw("docker://" + distribution + "/library/alpine:" + tag, null));
    }
    Path layout = Processes.shared().resolve("fixtures/images/alpine-3.16-multiarch");
    Path out = work.resolve("out-multiarch");
    Processes.run(List.of("skopeo", "--insecure-policy", "copy", "--all", "--src-tls-verify=false", "--src-creds",
        Skopeo.adminCreds(), "docker://" + registry.host + "/hub/alpine:3.16", "oci:" + out + ":3.16.9"))
        .requireSuccess();
    RealClientsContract.assertSameContent(layout, out, "3.16.9");
    JsonNode events = expect(200, api("GET", "/audit?action=image.mirrored&repository=hub/alpine", null));
    assertThat(events.get("items")).hasSize(3);
  }

  @Test
  @Order(2)
  void aSecondRunTransfersNothingAndANewUpstreamTagComesWithTheNext() throws Exception {
    long id = mirrorId("hub/alpine");
    JsonNode again = runNow(id);
    assertThat(again.get("state").asText()).as(again.toString()).isEqualTo("succeeded");
    assertThat(again.get("tags").get("unchanged").asInt()).isEqualTo(3);
    assertThat(again.get("tags").get("added").asInt() + again.get("tags").get("updated").asInt()).isZero();
    assertThat(again.get("bytes").asLong()).isZero();
    pushUpstream("clean-tiny", "library/alpine:1.1");
    JsonNode next = runNow(id);
    assertThat(next.get("tags").get("added").asInt()).as(next.toString()).isEqualTo(1);
    assertThat(next.get("tags").get("unchanged").asInt()).isEqualTo(3);
    assertThat(next.get("bytes").asLong()).as("its blobs are already there").isZero();
    assertThat(raw("docker://" + registry.host + "/hub/alpine:1.1", Skopeo.adminCreds()))
        .isEqualTo(raw("docker://" + distribution + "/library/alpine:1.1", null));
  }

  @Test
  @Order(3)
  void tagAndPlatformFiltersAndTheTagTemplateAreHonoured() throws Exception {
    JsonNode mirror = createMirror("{\"target\":\"hub/alpine-arm\",\"registry\":\"http://" + distribution
        + "\",\"repository\":\"library/alpine\",\"include\":[\"3.*\"],\"exclude\":[\"3.16.9\"],"
        + "\"platforms\":[\"linux/arm64/v8\"],\"tagTemplate\":\"{tag}-arm\"}");
    JsonNode run = awaitRun(mirror.get("id").asLong(), -1);
    assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("succeeded");
    assertThat(run.get("tags").get("seen").asInt()).isEqualTo(4);
    assertThat(run.get("tags").get("selected").asInt()).isEqualTo(1);
    HttpResponse<byte[]> tags = client.send("GET", "/v2/hub/alpine-arm/tags/list", "repository:hub/alpine-arm:pull", null);
    assertThat(RegistryClient.json(tags).get("tags").toString()).isEqualTo("[\"3.16-arm\"]");
    JsonNode index = RegistryClient.JSON.readTree(raw("docker://" + registry.host + "/hub/alpine-arm:3.16-arm",
        Skopeo.adminCreds()));
    assertThat(index.get("manifests")).hasSize(1);
    assertThat(index.get("manifests").get(0).get("platform").get("architecture").asText()).isEqualTo("arm64");
    String arm = index.get("manifests").get(0).get("digest").asText();
    assertThat(raw("docker://" + registry.host + "/hub/alpine-arm@" + arm, Skopeo.adminCreds()))
        .as("the chosen platform's manifest keeps its bytes")
        .isEqualTo(raw("docker://" + distribution + "/library/alpine@" + arm, null));
    String amd = RegistryClient.JSON.readTree(raw("docker://" + distribution + "/library/alpine:3.16", null))
        .get("manifests").get(0).get("digest").asText();
    HttpResponse<byte[]> absent = client.send("HEAD", "/v2/hub/alpine-arm/manifests/" + amd, "repository:hub/alpine-arm:pull", null);
    assertThat(absent.statusCode()).as("the other platform is not copied").isEqualTo(404);
  }

  @Test
  @Order(4)
  void aCorruptedBlobFailsTheRunAndNothingOfTheImageIsStored() throws Exception {
    UpstreamProxy proxy = new UpstreamProxy("http://" + distribution);
    closing.add(proxy);
    proxy.flipBlobBytes = true;
    JsonNode mirror = createMirror("{\"target\":\"hub/corrupt\",\"registry\":\"" + proxy.url()
        + "\",\"repository\":\"library/alpine\",\"include\":[\"1.0\"]}");
    JsonNode run = awaitRun(mirror.get("id").asLong(), -1);
    assertThat(run.get("state").asText()).isEqualTo("failed");
    assertThat(run.get("message").asText()).contains("does not match its digest").contains("nothing was stored");
    HttpResponse<byte[]> tag = client.send("HEAD", "/v2/hub/corrupt/manifests/1.0", "repository:hub/corrupt:pull", null);
    assertThat(tag.statusCode()).isEqualTo(404);
    JsonNode layers = RegistryClient.JSON.readTree(raw("docker://" + distribution + "/library/alpine:1.0", null))
        .get("layers");
    HttpResponse<byte[]> blob = client.send("HEAD", "/v2/hub/corrupt/blobs/" + layers.get(0).get("digest").asText(),
        "repository:hub/corrupt:pull", null);
    assertThat(blob.statusCode()).isEqualTo(404);
    JsonNode failed = expect(200, api("GET", "/audit?action=mirror.run_failed&repository=hub/corrupt", null));
    assertThat(failed.get("items")).hasSize(1);
  }

  @Test
  @Order(4)
  void aTokenRealmOrRedirectOutsideTheAllowlistFailsTheRunAndSaysWhy() throws Exception {
    UpstreamProxy proxy = new UpstreamProxy("http://" + distribution);
    closing.add(proxy);
    proxy.realm = "http://127.0.0.2:9/token";
    assertThat(failedRun("hub/realm", proxy).get("message").asText()).contains("GET http://127.0.0.2:9/token?")
        .contains("refused: 127.0.0.2, a loopback address outside mirror.allowed-networks");
    proxy.realm = null;
    proxy.blobRedirect = "http://169.254.169.254";
    assertThat(failedRun("hub/redirected", proxy).get("message").asText())
        .contains("GET http://169.254.169.254/v2/library/alpine/blobs/sha256:")
        .contains("refused: 169.254.169.254, a metadata address outside mirror.allowed-networks");
  }

  /** The first run of a new mirror of {@code library/alpine:1.0} through {@code proxy}, which must fail. */
  private JsonNode failedRun(String target, UpstreamProxy proxy) throws Exception {
    JsonNode run = awaitRun(createMirror("{\"target\":\"" + target + "\",\"registry\":\"" + proxy.url()
        + "\",\"repository\":\"library/alpine\",\"include\":[\"1.0\"]}").get("id").asLong(), -1);
    assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("failed");
    return run;
  }

  @Test
  @Order(5)
  void aSpentRateLimitBudgetPausesTheRunUntilItRefills() throws Exception {
    UpstreamProxy proxy = new UpstreamProxy("http://" + distribution);
    closing.add(proxy);
    proxy.spentBudgets.set(1);
    proxy.resetSeconds = 3;
    JsonNode mirror = createMirror("{\"target\":\"hub/limited\",\"registry\":\"" + proxy.url()
        + "\",\"repository\":\"library/alpine\",\"include\":[\"1.0\"]}");
    long id = mirror.get("id").asLong();
    JsonNode waiting = null;
    for (int i = 0; i < 300 && waiting == null; i++) {
      for (JsonNode run : expect(200, api("GET", "/mirrors/" + id + "/runs", null)).get("items")) {
        if (run.get("state").asText().equals("waiting")) {
          waiting = run;
        }
      }
      Thread.sleep(50);
    }
    assertThat(waiting).as("the run was seen waiting").isNotNull();
    assertThat(waiting.get("waitingUntil").asText()).isNotEmpty();
    assertThat(waiting.get("message").asText()).contains("waiting for the rate limit");
    assertThat(waiting.get("rateLimit").get("remaining").asLong()).isZero();
    assertThat(waiting.get("rateLimit").get("limit").asLong()).isEqualTo(100);
    assertThat(proxy.manifestGets).as("no GET while the budget is spent").hasValue(0);
    JsonNode run = awaitRun(id, -1);
    assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("succeeded");
    assertThat(run.get("tags").get("added").asInt()).isEqualTo(1);
    assertThat(run.get("durationMs").asLong()).isGreaterThanOrEqualTo(2000);
  }

  @Test
  @Order(6)
  void aConnectionDroppedMidBlobResumesWithARangeRequest() throws Exception {
    pushUpstream("debian-bookworm-minimal", "library/debian:12");
    UpstreamProxy proxy = new UpstreamProxy("http://" + distribution);
    closing.add(proxy);
    proxy.brokenBlobs.set(1);
    JsonNode mirror = createMirror("{\"target\":\"hub/debian\",\"registry\":\"" + proxy.url()
        + "\",\"repository\":\"library/debian\"}");
    JsonNode run = awaitRun(mirror.get("id").asLong(), -1);
    assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("succeeded");
    assertThat(proxy.brokenBlobs.get()).as("the connection was dropped once").isZero();
    assertThat(proxy.ranges).as("resumed after the whole chunks already stored")
        .containsExactly("bytes=" + 8 * 1024 * 1024 + "-");
    assertThat(raw("docker://" + registry.host + "/hub/debian:12", Skopeo.adminCreds()))
        .isEqualTo(raw("docker://" + distribution + "/library/debian:12", null));
    Path out = work.resolve("out-debian");
    Processes.run(List.of("skopeo", "--insecure-policy", "copy", "--src-tls-verify=false", "--src-creds",
        Skopeo.adminCreds(), "docker://" + registry.host + "/hub/debian:12", "oci:" + out + ":12")).requireSuccess();
    RealClientsContract.assertSameContent(Processes.shared().resolve("fixtures/images/debian-bookworm-minimal"), out,
        "12");
  }

  @Test
  @Order(7)
  void aTokenAuthUpstreamWithCredentialsThatNoAnswerEverShows() throws Exception {
    TestRegistry upstream = TestRegistry.start(TestRegistry.Backend.SQLITE);
    closing.addFirst(upstream);
    // The upstream has no mirror.allowed-networks: a mirror of its own to loopback is refused at once.
    HttpResponse<byte[]> strict = upstream.admin().send("POST", "/api/v1/mirrors", null, ("{\"target\":\"hub/x\","
        + "\"registry\":\"http://" + distribution + "\",\"repository\":\"library/alpine\"}")
        .getBytes(StandardCharsets.UTF_8), "Authorization", basic, "Content-Type", "application/json");
    assertThat(strict.statusCode()).isEqualTo(400);
    assertThat(strict.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
    assertThat(RegistryClient.json(strict).get("detail").asText()).isEqualTo("upstream registry refused: 127.0.0.1, "
        + "a loopback address outside mirror.allowed-networks");
    Path layout = Processes.shared().resolve("fixtures/images/clean-tiny");
    Skopeo.copy(layout, Skopeo.adminCreds(), "docker://" + upstream.host + "/library/tiny:1.0");
    JsonNode mirror = createMirror("{\"target\":\"hub/tiny\",\"registry\":\"http://" + upstream.host
        + "\",\"repository\":\"library/tiny\",\"username\":\"" + TestRegistry.ADMIN + "\",\"password\":\""
        + PASSWORD_MARK + "\"}");
    long id = mirror.get("id").asLong();
    JsonNode run = awaitRun(id, -1);
    assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("succeeded");
    assertThat(raw("docker://" + registry.host + "/hub/tiny:1.0", Skopeo.adminCreds()))
        .isEqualTo(raw("docker://" + upstream.host + "/library/tiny:1.0", Skopeo.adminCreds()));
    assertThat(mirror.get("authenticated").asBoolean()).isTrue();
    List<String> answers = new ArrayList<>();
    answers.add(mirror.toString());
    answers.add(expect(200, api("GET", "/mirrors/" + id, null)).toString());
    answers.add(expect(200, api("GET", "/mirrors", null)).toString());
    answers.add(expect(200, api("GET", "/mirrors/" + id + "/runs", null)).toString());
    answers.add(expect(200, api("PATCH", "/mirrors/" + id, "{\"interval\":\"PT1H\"}")).toString());
    answers.add(expect(200, api("GET", "/audit?repository=hub/tiny&limit=500", null)).toString());
    answers.add(expect(200, api("GET", "/jobs?kind=mirror.run&limit=500", null)).toString());
    for (String answer : answers) {
      assertThat(answer).doesNotContain(PASSWORD_MARK);
    }
    // Nothing changed upstream: the listing is asked for with its validator and answered 304 (counted
    // before and after, since the interval change above may have queued a run of its own meanwhile).
    double before = notModifiedListings(upstream);
    JsonNode again = runNow(id);
    assertThat(again.get("state").asText()).as(again.toString()).isEqualTo("succeeded");
    assertThat(again.at("/tags/unchanged").asInt()).isEqualTo(1);
    assertThat(notModifiedListings(upstream)).isGreaterThan(before);
    // Wrong credentials: the run fails and says where.
    expect(200, api("PATCH", "/mirrors/" + id, "{\"username\":\"admin\",\"password\":\"wrong-password\"}"));
    JsonNode refused = runNow(id);
    assertThat(refused.get("state").asText()).isEqualTo("failed");
    assertThat(refused.get("message").asText()).contains("as admin").contains("401");
  }

  @Test
  @Order(8)
  void mirrorsAreForTheirTargetsManagersOnly() throws Exception {
    expect(201, api("POST", "/users", "{\"name\":\"mallory\",\"password\":\"mallory-password-1\"}"));
    String mallory = "Basic " + Base64.getEncoder().encodeToString("mallory:mallory-password-1"
        .getBytes(StandardCharsets.UTF_8));
    long id = mirrorId("hub/alpine");
    HttpResponse<byte[]> create = client.send("POST", "/api/v1/mirrors", null, ("{\"target\":\"hub/evil\","
        + "\"registry\":\"docker.io\",\"repository\":\"alpine\"}").getBytes(StandardCharsets.UTF_8),
        "Authorization", mallory, "Content-Type", "application/json");
    assertThat(create.statusCode()).isEqualTo(403);
    HttpResponse<byte[]> get = client.send("GET", "/api/v1/mirrors/" + id, null, null, "Authorization", mallory);
    assertThat(get.statusCode()).isEqualTo(404);
    HttpResponse<byte[]> list = client.send("GET", "/api/v1/mirrors", null, null, "Authorization", mallory);
    assertThat(RegistryClient.json(list).get("items")).isEmpty();
    HttpResponse<byte[]> anonymous = client.send("GET", "/api/v1/mirrors", null, null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    JsonNode bad = RegistryClient.json(api("POST", "/mirrors", "{\"target\":\"hub/bad\",\"registry\":\"docker.io\","
        + "\"repository\":\"alpine\",\"semver\":\">=three\"}"));
    assertThat(bad.get("status").asInt()).isEqualTo(400);
    assertThat(bad.get("detail").asText()).contains("'>=three' is not a comparator");
  }

  @Test
  @Order(9)
  void theCliCreatesListsRunsWithLiveProgressAndShowsHistory() throws Exception {
    Processes.Result created = registry.cli("mirrors", "create", "hub/cli", "--registry", "http://" + distribution,
        "--repository", "library/alpine", "--include", "1.*", "--interval", "PT1H", "--no-enabled");
    assertThat(created.exitCode()).as(created.output()).isZero();
    assertThat(created.output()).contains("hub/cli").contains("every PT1H").contains("[disabled]");
    long id = mirrorId("hub/cli");
    assertThat(expect(200, api("GET", "/mirrors/" + id + "/runs", null)).get("items"))
        .as("a disabled mirror does not run by itself").isEmpty();
    Processes.Result run = registry.cli("mirrors", "run", String.valueOf(id), "--follow");
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("succeeded").contains("2 added");
    Processes.Result runs = registry.cli("mirrors", "runs", String.valueOf(id));
    assertThat(runs.output()).as(runs.output()).contains("run ").contains("succeeded");
    Processes.Result list = registry.cli("mirrors", "list");
    assertThat(list.output()).contains("hub/alpine").contains("hub/cli");
    Processes.Result deleted = registry.cli("mirrors", "delete", String.valueOf(id));
    assertThat(deleted.exitCode()).as(deleted.output()).isZero();
    assertThat(api("GET", "/mirrors/" + id, null).statusCode()).isEqualTo(404);
    assertThat(expect(200, api("GET", "/schedules", null)).toString()).doesNotContain("mirror:" + id + "\"");
  }

  /** Pushes a fixture (every platform) into Portcullis, as a developer or CI would. */
  void pushLocal(String fixture, String reference) throws Exception {
    Path layout = Processes.shared().resolve("fixtures/images/" + fixture);
    Processes.run(List.of("skopeo", "--insecure-policy", "copy", "--all", "--dest-tls-verify=false",
        "--dest-creds", Skopeo.adminCreds(), "oci:" + layout + ":" + RealClientsContract.refName(layout),
        "docker://" + registry.host + "/" + reference)).requireSuccess();
  }

  /** The newest finished run of the mirror that added or updated a tag, waited for. */
  JsonNode awaitPushed(long mirror, int tags) throws Exception {
    for (int i = 0; i < 600; i++) {
      for (JsonNode run : expect(200, api("GET", "/mirrors/" + mirror + "/runs", null)).get("items")) {
        JsonNode t = run.get("tags");
        if (!run.get("state").asText().equals("running") && t.get("added").asInt() + t.get("updated").asInt() >= tags) {
          return run;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("push mirror " + mirror + " pushed no " + tags + " tags: "
        + expect(200, api("GET", "/mirrors/" + mirror + "/runs", null)));
  }

  @Test
  @Order(10)
  void aPushIntoAPushMirroredRepositoryIsCopiedToTheRemoteByteForByte() throws Exception {
    JsonNode mirror = createMirror("{\"direction\":\"push\",\"source\":\"official/app\",\"registry\":\"http://"
        + distribution + "\",\"repository\":\"dr/app\"}");
    assertThat(mirror.get("direction").asText()).isEqualTo("push");
    assertThat(mirror.get("source").asText()).isEqualTo("official/app");
    long id = mirror.get("id").asLong();
    JsonNode first = awaitRun(id, -1);
    assertThat(first.get("state").asText()).as("nothing to push yet: " + first).isEqualTo("succeeded");
    assertThat(first.get("tags").get("seen").asInt()).isZero();

    pushLocal("alpine-3.16-multiarch", "official/app:3.16");
    JsonNode run = awaitPushed(id, 1);
    assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("succeeded");
    assertThat(run.get("tags").get("added").asInt()).isEqualTo(1);
    assertThat(run.get("bytes").asLong()).isPositive();
    String local = raw("docker://" + registry.host + "/official/app:3.16", Skopeo.adminCreds());
    assertThat(raw("docker://" + distribution + "/dr/app:3.16", null)).as("the index, byte for byte").isEqualTo(local);
    for (JsonNode child : RegistryClient.JSON.readTree(local).get("manifests")) {
      String digest = child.get("digest").asText();
      assertThat(raw("docker://" + distribution + "/dr/app@" + digest, null)).as(digest)
          .isEqualTo(raw("docker://" + registry.host + "/official/app@" + digest, Skopeo.adminCreds()));
    }
    Path out = work.resolve("out-pushed");
    Processes.run(List.of("skopeo", "--insecure-policy", "copy", "--all", "--src-tls-verify=false", "--src-no-creds",
        "docker://" + distribution + "/dr/app:3.16", "oci:" + out + ":3.16.9")).requireSuccess();
    RealClientsContract.assertSameContent(Processes.shared().resolve("fixtures/images/alpine-3.16-multiarch"), out,
        "3.16.9");
    JsonNode events = expect(200, api("GET", "/audit?action=image.pushed_to_mirror&repository=official/app", null));
    assertThat(events.get("items")).singleElement().satisfies(e -> assertThat(e.toString())
        .contains(distribution + "/dr/app:3.16"));

    JsonNode again = runNow(id);
    assertThat(again.get("state").asText()).as(again.toString()).isEqualTo("succeeded");
    assertThat(again.get("tags").get("unchanged").asInt()).isEqualTo(1);
    assertThat(again.get("bytes").asLong()).isZero();
  }

  @Test
  @Order(11)
  void aSecondRepositorySharingTheBlobsMountsThemAtTheRemoteInsteadOfUploading() throws Exception {
    long id = createMirror("{\"direction\":\"push\",\"source\":\"official/app2\",\"registry\":\"http://"
        + distribution + "\",\"repository\":\"dr/app2\",\"tagTemplate\":\"{tag}-dr\",\"include\":[\"3.*\"]}")
        .get("id").asLong();
    awaitRun(id, -1);
    pushLocal("alpine-3.16-multiarch", "official/app2:3.16");
    pushLocal("clean-tiny", "official/app2:edge");
    JsonNode run = awaitPushed(id, 1);
    assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("succeeded");
    assertThat(run.get("tags").get("selected").asInt()).as("edge is not 3.*").isEqualTo(1);
    JsonNode index = RegistryClient.JSON.readTree(raw("docker://" + registry.host + "/official/app2:3.16",
        Skopeo.adminCreds()));
    int blobs = 0;
    for (JsonNode child : index.get("manifests")) {
      JsonNode image = RegistryClient.JSON.readTree(raw("docker://" + registry.host + "/official/app2@"
          + child.get("digest").asText(), Skopeo.adminCreds()));
      blobs += 1 + image.get("layers").size();
    }
    // Every blob of every platform was pushed to dr/app before: mounted from there, none uploaded.
    assertThat(run.get("blobsMounted").asInt()).as(run.toString()).isEqualTo(blobs);
    assertThat(run.get("bytes").asLong()).as("nothing uploaded").isZero();
    assertThat(raw("docker://" + distribution + "/dr/app2:3.16-dr", null))
        .isEqualTo(raw("docker://" + registry.host + "/official/app2:3.16", Skopeo.adminCreds()));
    assertThat(Processes.run(List.of("skopeo", "inspect", "--raw", "--tls-verify=false", "--no-creds",
        "docker://" + distribution + "/dr/app2:edge-dr")).exitCode()).as("filtered out").isNotZero();
    Processes.Result runs = registry.cli("mirrors", "runs", String.valueOf(id));
    assertThat(runs.output()).contains("blobs mounted");
    String metrics = new String(client.send("GET", "/metrics", null, null).body(), StandardCharsets.UTF_8);
    assertThat(metrics).contains("portcullis_mirror_blobs_mounted_total{mirror=\"official/app2 -> " + distribution
        + "/dr/app2\"} " + blobs + ".0");
    assertThat(metrics).contains("portcullis_mirror_sent_bytes_total{mirror=\"official/app -> " + distribution
        + "/dr/app\"}");
  }

  @Test
  @Order(12)
  void aPushMirrorAuthenticatesWithItsSealedCredentials() throws Exception {
    Path root = work.resolve("htpasswd-distribution");
    Files.createDirectories(root.resolve("storage"));
    String hash = org.bouncycastle.crypto.generators.OpenBSDBCrypt.generate("2y", "robot-password".toCharArray(),
        new java.security.SecureRandom().generateSeed(16), 6);
    Files.writeString(root.resolve("htpasswd"), "robot:" + hash + "\n");
    int port = distributionPort() + 50;
    Files.writeString(root.resolve("config.yml"), "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n"
        + "storage:\n  filesystem:\n    rootdirectory: " + root.resolve("storage") + "\n"
        + "http:\n  addr: 127.0.0.1:" + port + "\nauth:\n  htpasswd:\n    realm: test\n    path: "
        + root.resolve("htpasswd") + "\n");
    Process secured = new ProcessBuilder("docker-registry", "serve", root.resolve("config.yml").toString())
        .redirectErrorStream(true).redirectOutput(root.resolve("log").toFile()).start();
    closing.add(secured::destroy);
    String host = "127.0.0.1:" + port;
    for (int i = 0; i < 50 && Processes.run(List.of("curl", "-s", "-o", "/dev/null", "http://" + host + "/v2/"))
        .exitCode() != 0; i++) {
      Thread.sleep(100);
    }
    pushLocal("clean-tiny", "official/secured:1.0");
    JsonNode anonymous = createMirror("{\"direction\":\"push\",\"source\":\"official/secured\",\"registry\":"
        + "\"http://" + host + "\",\"repository\":\"dr/secured\"}");
    JsonNode refused = awaitRun(anonymous.get("id").asLong(), -1);
    assertThat(refused.get("state").asText()).isEqualTo("failed");
    assertThat(refused.get("message").asText()).contains("requires credentials");
    JsonNode mirror = createMirror("{\"direction\":\"push\",\"source\":\"official/secured\",\"registry\":"
        + "\"http://" + host + "\",\"repository\":\"dr/secured2\",\"username\":\"robot\",\"password\":\""
        + "robot-password\"}");
    assertThat(mirror.toString()).doesNotContain("robot-password");
    JsonNode run = awaitRun(mirror.get("id").asLong(), -1);
    assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("succeeded");
    assertThat(raw("docker://" + host + "/dr/secured2:1.0", "robot:robot-password"))
        .isEqualTo(raw("docker://" + registry.host + "/official/secured:1.0", Skopeo.adminCreds()));
  }

  @Test
  @Order(13)
  void aNamespaceMirrorCopiesEveryRepositoryUnderTheUpstreamNamespace() throws Exception {
    pushUpstream("clean-tiny", "acme/one:1.0");
    pushUpstream("clean-tiny", "acme/two:1.0");
    pushUpstream("alpine-3.16", "acme/tools/three:3.16.9");
    pushUpstream("clean-tiny", "acmex/four:1.0");
    JsonNode mirror = createMirror("{\"target\":\"ns\",\"registry\":\"http://" + distribution
        + "\",\"namespace\":\"acme\"}");
    assertThat(mirror.get("namespace").asText()).isEqualTo("acme");
    assertThat(mirror.has("repository")).isFalse();
    JsonNode run = awaitRun(mirror.get("id").asLong(), -1);
    assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("succeeded");
    assertThat(run.get("repositories").asInt()).isEqualTo(3);
    assertThat(run.get("tags").get("added").asInt()).isEqualTo(3);
    for (String[] pair : new String[][] {{"ns/one:1.0", "acme/one:1.0"}, {"ns/two:1.0", "acme/two:1.0"},
        {"ns/tools/three:3.16.9", "acme/tools/three:3.16.9"}}) {
      assertThat(raw("docker://" + registry.host + "/" + pair[0], Skopeo.adminCreds())).as(pair[0])
          .isEqualTo(raw("docker://" + distribution + "/" + pair[1], null));
    }
    assertThat(expect(200, api("GET", "/repositories/ns/one", null)).get("visibility").asText()).isEqualTo("private");
    assertThat(api("GET", "/repositories/ns/four", null).statusCode()).as("acmex is another namespace").isEqualTo(404);
    JsonNode again = runNow(mirror.get("id").asLong());
    assertThat(again.get("tags").get("unchanged").asInt()).as(again.toString()).isEqualTo(3);
    assertThat(again.get("bytes").asLong()).isZero();

    JsonNode filtered = createMirror("{\"target\":\"ns2\",\"registry\":\"http://" + distribution
        + "\",\"namespace\":\"acme\",\"repositories\":\"t*\"}");
    JsonNode some = awaitRun(filtered.get("id").asLong(), -1);
    assertThat(some.get("repositories").asInt()).as(some.toString()).isEqualTo(2);
    assertThat(api("GET", "/repositories/ns2/one", null).statusCode()).isEqualTo(404);
    assertThat(expect(200, api("GET", "/repositories/ns2/tools/three", null)).get("name").asText())
        .isEqualTo("ns2/tools/three");
  }

  @Test
  @Order(14)
  void mirrorSettingsTheirKindDoesNotTakeAreRefusedWithProblems() throws Exception {
    for (String[] refused : new String[][] {
        {"{\"target\":\"hubns\",\"registry\":\"docker.io\",\"namespace\":\"bitnami\"}",
            "Docker Hub serves no repository catalog"},
        {"{\"direction\":\"push\",\"source\":\"official/app\",\"registry\":\"http://" + distribution
            + "\",\"repository\":\"dr/x\",\"platforms\":[\"linux/amd64\"]}", "platforms apply to pull mirrors"},
        {"{\"direction\":\"push\",\"target\":\"official/app\",\"registry\":\"http://" + distribution
            + "\",\"repository\":\"dr/x\"}", "names its local repository as source"},
        {"{\"direction\":\"sideways\",\"target\":\"official/app\",\"registry\":\"http://" + distribution
            + "\",\"repository\":\"dr/x\"}", "direction must be pull or push"},
        {"{\"target\":\"hub/y\",\"registry\":\"http://" + distribution + "\",\"repository\":\"a/b\","
            + "\"repositories\":\"x*\"}", "apply to namespace mirrors"},
        {"{\"direction\":\"push\",\"source\":\"official/app\",\"registry\":\"http://" + distribution
            + "\",\"repository\":\"dr/app\"}", "already has a push mirror to " + distribution + "/dr/app"}}) {
      HttpResponse<byte[]> answer = api("POST", "/mirrors", refused[0]);
      JsonNode problem = RegistryClient.json(answer);
      assertThat(answer.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
      assertThat(problem.get("detail").asText()).as(refused[0]).contains(refused[1]);
      assertThat(problem.get("status").asInt()).isIn(400, 409);
    }
    Processes.Result created = registry.cli("mirrors", "create", "official/cli", "--push", "--registry",
        "http://" + distribution, "--repository", "dr/cli", "--no-enabled");
    assertThat(created.exitCode()).as(created.output()).isZero();
    assertThat(created.output()).contains("official/cli").contains("-> http://" + distribution + "/dr/cli");
  }

  long mirrorId(String target) throws Exception {
    for (JsonNode m : expect(200, api("GET", "/mirrors", null)).get("items")) {
      if (m.get("target").asText().equals(target)) {
        return m.get("id").asLong();
      }
    }
    throw new AssertionError("no mirror into " + target);
  }
}
