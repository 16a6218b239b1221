package io.portcullis.it;

import static io.portcullis.it.IdentityApiContract.expect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Repository settings on a running registry with real clients: scan on push switched off and on again,
 * immutable tags against skopeo overwriting and deleting, the settings through REST and the CLI, and a
 * deletion taking the scan results no other repository needs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RepositorySettingsContract {
  TestRegistry registry;
  RegistryClient client;
  String basic;

  abstract TestRegistry.Backend backend();

  @BeforeAll
  void start() throws Exception {
    registry = TestRegistry.start(backend());
    client = registry.admin();
    basic = "Basic " + Base64.getEncoder().encodeToString((TestRegistry.ADMIN + ":" + TestRegistry.ADMIN_PASSWORD)
        .getBytes(StandardCharsets.UTF_8));
  }

  @AfterAll
  void stop() throws Exception {
    registry.close();
  }

  HttpResponse<byte[]> api(String method, String path, String body) throws Exception {
    return client.send(method, "/api/v1" + path, null, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
        "Authorization", basic, "Content-Type", "application/json");
  }

  static Path image(String name) {
    return Processes.shared().resolve("fixtures/images/" + name);
  }

  String destination(String repository, String tag) {
    return "docker://" + registry.host + "/" + repository + ":" + tag;
  }

  /** The digests of the scan jobs there are, queued, running or finished. */
  List<String> scanJobSubjects() throws Exception {
    List<String> subjects = new ArrayList<>();
    expect(200, api("GET", "/jobs?kind=scan&limit=500", null)).get("items")
        .forEach(job -> subjects.add(job.get("subject").asText()));
    return subjects;
  }

  /** Waits until a scan job for {@code digest} exists: scan on push handles pushes in log order. */
  void awaitScanJob(String digest) throws Exception {
    for (int i = 0; i < 300; i++) {
      if (scanJobSubjects().contains(digest)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no scan job for " + digest);
  }

  /** Waits until the image has a finished scan. */
  JsonNode awaitScanned(String repository, String reference) throws Exception {
    for (int i = 0; i < 600; i++) {
      JsonNode summary = expect(200, api("GET", "/repositories/" + repository + "/manifests/" + reference + "/scan",
          null));
      if (summary.get("status").asText().equals("succeeded")) {
        return summary;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(repository + ":" + reference + " was not scanned");
  }

  String digestOf(String repository, String reference) throws Exception {
    return expect(200, api("GET", "/repositories/" + repository + "/manifests/" + reference + "/scan", null))
        .get("digest").asText();
  }

  @Test
  void scanOnPushSwitchedOffQueuesNoScanUntilSwitchedOnAgain() throws Exception {
    // An image no other test here pushes: no scan of it may exist but this test's.
    Path alpine = image("alpine-3.16");
    String ref = RealClientsContract.refName(alpine);
    JsonNode created = expect(201, api("POST", "/repositories", "{\"name\":\"quiet/alpine\",\"scanOnPush\":false}"));
    assertThat(created.get("scanOnPush").asBoolean()).isFalse();
    Skopeo.copy(alpine, Skopeo.adminCreds(), destination("quiet/alpine", ref));
    // A later push to a repository that scans: once its job exists, the quiet push was handled too.
    byte[] marker = client.pushImage("loud/marker", "v1", "marker layer".getBytes(StandardCharsets.UTF_8));
    awaitScanJob(RegistryClient.sha256(marker));

    String digest = digestOf("quiet/alpine", ref);
    assertThat(scanJobSubjects()).as("no scan queued for the quiet repository").doesNotContain(digest);
    assertThat(expect(200, api("GET", "/repositories/quiet/alpine/manifests/" + ref + "/scan", null)).get("status")
        .asText()).isEqualTo("not_scanned");

    expect(200, api("PATCH", "/repositories/quiet/alpine", "{\"scanOnPush\":true}"));
    Skopeo.copy(alpine, Skopeo.adminCreds(), destination("quiet/alpine", "again"));
    assertThat(awaitScanned("quiet/alpine", "again").get("digest").asText()).isEqualTo(digest);
    assertThat(scanJobSubjects()).contains(digest);
  }

  @Test
  void immutableTagsRefuseOverwritesAndDeletionsFromRealClients() throws Exception {
    Path tiny = image("clean-tiny");
    Path java = image("java-app");
    Processes.Result created = registry.cli("repos", "create", "locked/app", "--immutable-tags", "--no-scan-on-push");
    assertThat(created.output()).as(created.output()).contains("locked/app").contains("immutable-tags")
        .contains("no-scan");
    Skopeo.copy(tiny, Skopeo.adminCreds(), destination("locked/app", "v1"));

    Processes.Result overwrite = Skopeo.copyIn(java, Skopeo.adminCreds(), destination("locked/app", "v1"));
    assertThat(overwrite.exitCode()).as(overwrite.output()).isNotZero();
    assertThat(overwrite.output()).contains("denied").contains("immutableTags");
    Skopeo.copy(tiny, Skopeo.adminCreds(), destination("locked/app", "v1"));
    Skopeo.copy(java, Skopeo.adminCreds(), destination("locked/app", "v2"));
    String tinyDigest = digestOf("locked/app", "v1");

    Processes.Result delete = Skopeo.delete(Skopeo.adminCreds(), destination("locked/app", "v1"));
    assertThat(delete.exitCode()).as(delete.output()).isNotZero();
    assertThat(delete.output()).contains("immutableTags");
    HttpResponse<byte[]> tagDelete = client.send("DELETE", "/v2/locked/app/manifests/v2",
        RegistryClient.push("locked/app"), null);
    assertThat(tagDelete.statusCode()).isEqualTo(409);
    assertThat(RegistryClient.errorCode(tagDelete)).isEqualTo("DENIED");
    assertThat(Skopeo.listTags(Skopeo.adminCreds(), "docker://" + registry.host + "/locked/app").output())
        .contains("\"v1\"").contains("\"v2\"");
    assertThat(digestOf("locked/app", "v1")).isEqualTo(tinyDigest);

    Processes.Result released = registry.cli("repos", "update", "locked/app", "--no-immutable-tags");
    assertThat(released.output()).as(released.output()).contains("mutable-tags").doesNotContain("immutable-tags");
    Skopeo.copy(java, Skopeo.adminCreds(), destination("locked/app", "v1"));
    assertThat(digestOf("locked/app", "v1")).isEqualTo(digestOf("locked/app", "v2"));
    Skopeo.delete(Skopeo.adminCreds(), destination("locked/app", "v2")).requireSuccess();
    JsonNode changes = expect(200, api("GET", "/audit?repository=locked/app&action=repository.updated", null));
    assertThat(changes.get("items")).singleElement()
        .satisfies(e -> assertThat(e.get("detail").get("immutableTags").asText()).isEqualTo("false"));
  }

  @Test
  void settingsAreShownAndChangedAllOrNothing() throws Exception {
    JsonNode created = expect(201, api("POST", "/repositories", "{\"name\":\"settings/app\"}"));
    assertThat(created.get("scanOnPush").asBoolean()).as("default").isTrue();
    assertThat(created.get("immutableTags").asBoolean()).as("default").isFalse();
    expect(400, api("PATCH", "/repositories/settings/app", "{\"scanOnPush\":\"no\"}"));
    JsonNode refused = expect(400, api("PATCH", "/repositories/settings/app",
        "{\"immutableTags\":true,\"visibility\":\"secret\"}"));
    assertThat(refused.get("detail").asText()).contains("unknown visibility 'secret'");
    assertThat(expect(200, api("GET", "/repositories/settings/app", null)).get("immutableTags").asBoolean())
        .as("nothing changed").isFalse();

    JsonNode changed = expect(200, api("PATCH", "/repositories/settings/app",
        "{\"immutableTags\":true,\"scanOnPush\":false,\"visibility\":\"private\"}"));
    assertThat(changed.get("immutableTags").asBoolean()).isTrue();
    assertThat(changed.get("scanOnPush").asBoolean()).isFalse();
    JsonNode listed = expect(200, api("GET", "/repositories?q=settings", null)).get("items");
    assertThat(listed).singleElement().satisfies(r -> {
      assertThat(r.get("immutableTags").asBoolean()).isTrue();
      assertThat(r.get("scanOnPush").asBoolean()).isFalse();
    });
    JsonNode updates = expect(200, api("GET", "/audit?repository=settings/app&action=repository.updated", null));
    assertThat(updates.get("items")).as("one change, one event, naming only what changed").singleElement()
        .satisfies(e -> {
          assertThat(e.get("detail").get("immutableTags").asText()).isEqualTo("true");
          assertThat(e.get("detail").get("scanOnPush").asText()).isEqualTo("false");
          assertThat(e.get("detail").has("visibility")).isFalse();
        });
  }

  @Test
  void deletingARepositoryTakesTheScanResultsNoOtherRepositoryHolds() throws Exception {
    Path tiny = image("clean-tiny");
    Path java = image("java-app");
    String tinyRef = RealClientsContract.refName(tiny);
    String javaRef = RealClientsContract.refName(java);
    Skopeo.copy(tiny, Skopeo.adminCreds(), destination("keep/tiny", tinyRef));
    Skopeo.copy(tiny, Skopeo.adminCreds(), destination("gone/app", tinyRef));
    Skopeo.copy(java, Skopeo.adminCreds(), destination("gone/app", javaRef));
    awaitScanned("keep/tiny", tinyRef);
    awaitScanned("gone/app", javaRef);
    String javaDigest = digestOf("gone/app", javaRef);
    assertThat(scanJobSubjects().stream().filter(javaDigest::equals)).hasSize(1);

    expect(204, api("DELETE", "/repositories/gone/app", null));
    expect(404, api("GET", "/repositories/gone/app", null));
    assertThat(awaitScanned("keep/tiny", tinyRef)).as("still needed by keep/tiny").isNotNull();
    Skopeo.copy(java, Skopeo.adminCreds(), destination("gone/app", javaRef));
    awaitScanned("gone/app", javaRef);
    assertThat(scanJobSubjects().stream().filter(javaDigest::equals)).as("its result went with the repository")
        .hasSize(2);
  }

  @Test
  void aNamespaceQuotaRefusesThePushPastItCountingSharedLayersOnce() throws Exception {
    Skopeo.copy(image("clean-tiny"), Skopeo.adminCreds(), destination("quota/tiny", "1"));
    long tiny = expect(200, api("GET", "/quotas/quota", null)).get("usedBytes").asLong();
    assertThat(tiny).isPositive();
    Processes.Result set = registry.cli("quotas", "set", "quota", "--limit", "1MB", "--warn", "90");
    assertThat(set.exitCode()).as(set.output()).isZero();
    assertThat(set.output()).contains("quota").contains("of 1000000");
    Skopeo.copy(image("clean-tiny"), Skopeo.adminCreds(), destination("quota/tiny-again", "1"));
    JsonNode usage = expect(200, api("GET", "/quotas/quota", null));
    assertThat(usage.get("usedBytes").asLong()).as("the same blobs again cost nothing").isEqualTo(tiny);
    assertThat(usage.get("state").asText()).isEqualTo("ok");

    // Not scanned: no other test's scan counts may see this image.
    expect(201, api("POST", "/repositories", "{\"name\":\"quota/big\",\"scanOnPush\":false}"));
    Path big = image("debian-bookworm-minimal");
    Processes.Result refused = Skopeo.copyIn(big, Skopeo.adminCreds(), destination("quota/big", "1"));
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.output()).containsIgnoringCase("denied").contains("storage quota of namespace quota exceeded");
    assertThat(expect(200, api("GET", "/quotas/quota", null)).get("usedBytes").asLong()).isEqualTo(tiny);
    JsonNode nothing = RegistryClient.json(client.send("GET", "/v2/quota/big/tags/list", "repository:quota/big:pull", null));
    assertThat(nothing.get("tags")).as("no tag, and no blob counted").isEmpty();
    String metrics = new String(client.send("GET", "/metrics", null, null).body(), StandardCharsets.UTF_8);
    assertThat(metrics).contains("portcullis_quota_limit_bytes{namespace=\"quota\"} 1000000.0")
        .contains("portcullis_quota_used_bytes{namespace=\"quota\"} " + tiny + ".0")
        .containsPattern("portcullis_quota_refusals_total\\{namespace=\"quota\"} [1-9]");

    // Only system administrators set quotas; a namespace's owner sees its own usage, nobody else's.
    expect(201, api("POST", "/users", "{\"name\":\"quser\",\"password\":\"quser-password-1\"}"));
    String quser = "Basic " + Base64.getEncoder().encodeToString("quser:quser-password-1".getBytes(StandardCharsets.UTF_8));
    assertThat(client.send("PUT", "/api/v1/quotas/quser", null, "{\"limitBytes\":10}".getBytes(StandardCharsets.UTF_8),
        "Authorization", quser, "Content-Type", "application/json").statusCode()).isEqualTo(403);
    assertThat(client.send("GET", "/api/v1/quotas/quser", null, null, "Authorization", quser).statusCode()).isEqualTo(200);
    assertThat(client.send("GET", "/api/v1/quotas/quota", null, null, "Authorization", quser).statusCode()).isEqualTo(404);
    JsonNode bad = RegistryClient.json(api("PUT", "/quotas/quota", "{\"limitBytes\":-1}"));
    assertThat(bad.get("status").asInt()).isEqualTo(400);
    assertThat(bad.get("detail").asText()).contains("limitBytes must be positive");
    assertThat(expect(200, api("GET", "/quotas", null)).get("items")).extracting(i -> i.get("namespace").asText())
        .contains("quota");
    assertThat(registry.cli("quotas", "remove", "quota").exitCode()).isZero();
    Skopeo.copy(big, Skopeo.adminCreds(), destination("quota/big", "1"));
    assertThat(expect(200, api("GET", "/quotas/quota", null)).get("usedBytes").asLong()).isGreaterThan(1_000_000);
  }

  List<String> tagsOf(String repository) throws Exception {
    List<String> tags = new ArrayList<>();
    RegistryClient.json(client.send("GET", "/v2/" + repository + "/tags/list", "repository:" + repository + ":pull",
        null)).get("tags").forEach(t -> tags.add(t.asText()));
    return tags;
  }

  @Test
  void aPruningPolicyKeepsTheNewestTagsAndTheManifestsOtherTagsName() throws Exception {
    String repo = "prune/app";
    byte[] first = null;
    for (String tag : List.of("v1", "v2", "v3", "v4", "v5")) {
      byte[] manifest = client.pushImage(repo, tag, ("layer of " + tag).getBytes(StandardCharsets.UTF_8));
      first = first == null ? manifest : first;
      Thread.sleep(5);
    }
    String firstDigest = RegistryClient.sha256(first);
    // "stable" names v1's manifest and is the newest tag.
    assertThat(client.send("PUT", "/v2/" + repo + "/manifests/stable", RegistryClient.push(repo), first,
        "Content-Type", "application/vnd.oci.image.manifest.v1+json").statusCode()).isEqualTo(201);
    JsonNode policy = expect(200, api("PUT", "/repositories/" + repo + "/retention",
        "{\"keepNewest\":2,\"exclude\":[\"v5\"],\"afterPush\":false}"));
    assertThat(policy.get("keepNewest").asInt()).isEqualTo(2);

    JsonNode dry = expect(200, api("POST", "/repositories/" + repo + "/retention/runs", "{\"dryRun\":true}"));
    assertThat(dry.at("/counts/wouldPrune").asInt()).isEqualTo(3);
    assertThat(tagsOf(repo)).as("a dry run changes nothing").hasSize(6);
    Processes.Result cliDry = registry.cli("retention", "run", repo, "--dry-run");
    assertThat(cliDry.output()).contains("dry run: 3 would be pruned").contains("wouldPrune  v1");

    JsonNode run = expect(200, api("POST", "/repositories/" + repo + "/retention/runs", "{}"));
    List<String> prunedTags = new ArrayList<>();
    run.get("tags").forEach(t -> {
      if (t.get("outcome").asText().equals("pruned")) {
        prunedTags.add(t.get("tag").asText());
      }
    });
    List<String> wouldPrune = new ArrayList<>();
    dry.get("tags").forEach(t -> {
      if (t.get("outcome").asText().equals("wouldPrune")) {
        wouldPrune.add(t.get("tag").asText());
      }
    });
    assertThat(prunedTags).as("the run did what the dry run said").isEqualTo(wouldPrune).containsExactly("v3", "v2", "v1");
    assertThat(tagsOf(repo)).containsExactlyInAnyOrder("stable", "v4", "v5");
    assertThat(client.send("GET", "/v2/" + repo + "/manifests/" + firstDigest, "repository:" + repo + ":pull", null,
        "Accept", "application/vnd.oci.image.manifest.v1+json").statusCode()).as("stable still names it").isEqualTo(200);
    JsonNode audit = expect(200, api("GET", "/audit?repository=" + repo + "&action=tag.pruned&limit=10", null));
    assertThat(audit.get("items")).hasSize(3);

    // After pushes: a new tag makes the policy run, leaving the two newest besides the excluded v5.
    expect(200, api("PUT", "/repositories/" + repo + "/retention", "{\"keepNewest\":2,\"exclude\":[\"v5\"]}"));
    client.pushImage(repo, "v6", "layer of v6".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 200 && tagsOf(repo).size() > 3; i++) {
      Thread.sleep(50);
    }
    assertThat(tagsOf(repo)).containsExactlyInAnyOrder("v6", "stable", "v5");

    // Immutable tags are kept, and said to be.
    expect(200, api("PATCH", "/repositories/" + repo, "{\"immutableTags\":true}"));
    expect(200, api("PUT", "/repositories/" + repo + "/retention", "{\"keepNewest\":1,\"afterPush\":false}"));
    JsonNode frozen = expect(200, api("POST", "/repositories/" + repo + "/retention/runs", "{}"));
    assertThat(frozen.at("/counts/pruned").asInt()).isZero();
    assertThat(frozen.toString()).contains("kept: the tag is immutable");
    assertThat(tagsOf(repo)).hasSize(3);

    JsonNode bad = RegistryClient.json(api("PUT", "/repositories/" + repo + "/retention", "{}"));
    assertThat(bad.get("status").asInt()).isEqualTo(400);
    assertThat(bad.get("detail").asText()).contains("needs keepNewest, olderThan or criteria");
    assertThat(registry.cli("retention", "remove", repo).exitCode()).isZero();
    assertThat(api("GET", "/repositories/" + repo + "/retention", null).statusCode()).isEqualTo(404);
  }
}
