package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.auth.Principal;
import io.portcullis.identity.RepositoryLevel;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Promotion policies through the running registry, with skopeo and the scanning fixtures: the
 * hub/* → official/* policy "0 critical and 0 major" promotes exactly the clean images (digests kept,
 * no blob stored twice), its dry run reports what applying then does, the scan of a push and a
 * database import trigger it, immutability rules refuse overwrites and promotions into them, and 20
 * concurrent pushes racing "apply now" promote each tag exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PolicyContract extends AdminApiContract {
  private static final String CLEAN_CRITERIA = "[{\"type\":\"vulnerabilities\",\"severity\":\"critical\",\"op\":\"=\","
      + "\"count\":0},{\"type\":\"vulnerabilities\",\"severity\":\"major\",\"op\":\"=\",\"count\":0}]";

  private Path fixtures;

  @BeforeAll
  void importDatabase() throws Exception {
    fixtures = Processes.shared().resolve("fixtures");
    for (String dir : List.of("alpine/osv", "debian/osv", "ghsa")) {
      HttpResponse<byte[]> accepted = api("POST", "/api/v1/vulnerability-db/imports?format=osv&source=fixtures-"
          + dir.replace('/', '-'), zip(fixtures.resolve("vulndb").resolve(dir)));
      assertThat(accepted.statusCode()).isEqualTo(202);
      assertThat(awaitJob(RegistryClient.json(accepted).get("id").asLong()).get("state").asText()).isEqualTo("succeeded");
    }
  }

  JsonNode call(String method, String path, String body) throws Exception {
    HttpResponse<byte[]> response = client.send(method, path, null, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
        "Authorization", basic, "Content-Type", "application/json");
    assertThat(response.statusCode()).as(method + " " + path + ": " + new String(response.body(), StandardCharsets.UTF_8))
        .isBetween(200, 299);
    return response.body().length == 0 ? null : RegistryClient.json(response);
  }

  private Processes.Result push(Path layout, String reference) throws Exception {
    return Processes.run(List.of("skopeo", "--insecure-policy", "copy", "--all", "--dest-tls-verify=false", "--dest-creds",
        TestRegistry.ADMIN + ":" + TestRegistry.ADMIN_PASSWORD, "oci:" + layout + ":" + RealClientsContract.refName(layout),
        "docker://" + registry.host + "/" + reference));
  }

  private Path image(String name) {
    return fixtures.resolve("images").resolve(name);
  }

  /** The manifest digest a tag points at, or null when there is no such tag. */
  private String digest(String repository, String tag) throws Exception {
    HttpResponse<byte[]> head = client.send("HEAD", "/v2/" + repository + "/manifests/" + tag,
        "repository:" + repository + ":pull", null, "Accept", "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
            + "application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json");
    if (head.statusCode() == 404) {
      return null;
    }
    assertThat(head.statusCode()).as("HEAD " + repository + ":" + tag).isEqualTo(200);
    return head.headers().firstValue("Docker-Content-Digest").orElseThrow();
  }

  private static void await(String what, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(200);
    }
  }

  private BooleanSupplier unchecked(Callable<Boolean> check) {
    return () -> {
      try {
        return check.call();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    };
  }

  private double metric(String line) throws Exception {
    String text = new String(client.send("GET", "/metrics", null, null).body(), StandardCharsets.UTF_8);
    return text.lines().filter(l -> l.startsWith(line + " ")).mapToDouble(l -> Double.parseDouble(l.substring(line.length() + 1)))
        .findFirst().orElse(0);
  }

  private long policy(String source, String target, String template, String criteria, boolean enabled) throws Exception {
    return call("POST", "/api/v1/policies", "{\"name\":\"" + source + " clean\",\"source\":\"" + source + "\",\"target\":\""
        + target + "\",\"tagTemplate\":\"" + template + "\",\"enabled\":" + enabled + ",\"criteria\":" + criteria + "}")
        .get("id").asLong();
  }

  /** Each report item as outcome, source, target and reasons: what dry run and apply must agree on. */
  private static List<String> items(JsonNode report) {
    List<String> items = new ArrayList<>();
    report.get("items").forEach(i -> items.add(i.get("outcome").asText() + " " + i.get("repository").asText() + ":"
        + i.get("tag").asText() + "@" + i.get("digest").asText() + " -> " + i.get("target").asText() + ":"
        + i.get("targetTag").asText() + " " + i.get("reasons")));
    return items;
  }

  @Test
  void promotesOnlyTheCleanImagesAsTheDryRunSaidDigestsKeptAndBlobsLinkedNotCopied() throws Exception {
    Map<String, String> refs = new TreeMap<>();
    for (Path layout : RealClientsContract.fixtureImages()) {
      String repository = "hub/" + layout.getFileName();
      String ref = RealClientsContract.refName(layout);
      push(layout, repository + ":" + ref).requireSuccess();
      refs.put(repository, ref);
    }
    awaitIdleJobs();
    Map<String, Boolean> clean = new TreeMap<>();
    for (Map.Entry<String, String> image : refs.entrySet()) {
      JsonNode summary = RegistryClient.json(api("GET", "/api/v1/repositories/" + image.getKey() + "/manifests/"
          + image.getValue() + "/scan", null));
      boolean passes = true;
      for (JsonNode platform : summary.get("platforms")) {
        assertThat(platform.get("status").asText()).isEqualTo("succeeded");
        passes &= platform.get("counts").get("critical").asInt() == 0 && platform.get("counts").get("major").asInt() == 0;
      }
      clean.put(image.getKey(), passes);
    }
    assertThat(clean).as("the fixtures hold clean and vulnerable images").containsValue(true).containsValue(false);
    assertThat(clean).containsEntry("hub/clean-tiny", true).containsEntry("hub/java-app", false);

    // Disabled: nothing is promoted until it is applied, so the dry run sees what the application will do.
    long id = policy("hub/*", "official/{name}", "{tag}", CLEAN_CRITERIA, false);
    JsonNode dryRun = call("POST", "/api/v1/policies/" + id + "/apply?dryRun=true", null);
    assertThat(dryRun.get("dryRun").asBoolean()).isTrue();
    assertThat(dryRun.get("items")).hasSize(refs.size());
    for (JsonNode item : dryRun.get("items")) {
      String repository = item.get("repository").asText();
      assertThat(item.get("outcome").asText()).as(item.toString()).isEqualTo(clean.get(repository) ? "promote" : "skip");
      assertThat(item.get("reasons").toString()).contains(clean.get(repository) ? "pass: " : "fail: ");
    }
    for (String repository : refs.keySet()) {
      assertThat(digest(repository.replace("hub/", "official/"), refs.get(repository))).as("dry run copies nothing").isNull();
    }
    double blobs = metric("portcullis_storage_blobs");
    double bytes = metric("portcullis_storage_blob_bytes");

    call("PATCH", "/api/v1/policies/" + id, "{\"enabled\":true}");
    JsonNode applied = call("POST", "/api/v1/policies/" + id + "/apply", null);
    assertThat(items(applied)).isEqualTo(items(dryRun));
    for (Map.Entry<String, String> image : refs.entrySet()) {
      String target = image.getKey().replace("hub/", "official/");
      String promoted = digest(target, image.getValue());
      String source = digest(image.getKey(), image.getValue());
      assertThat(source).as(image.getKey()).startsWith("sha256:");
      if (clean.get(image.getKey())) {
        assertThat(promoted).as(target).isEqualTo(source);
      } else {
        assertThat(promoted).as(target).isNull();
      }
    }
    assertThat(metric("portcullis_storage_blobs")).as("blobs are linked, not stored again").isEqualTo(blobs);
    assertThat(metric("portcullis_storage_blob_bytes")).isEqualTo(bytes);
    // The promoted image is whole in its new repository: skopeo reads it back, layers included.
    Processes.run(List.of("skopeo", "--insecure-policy", "copy", "--src-tls-verify=false", "--src-creds",
        TestRegistry.ADMIN + ":" + TestRegistry.ADMIN_PASSWORD, "docker://" + registry.host + "/official/clean-tiny:"
            + refs.get("hub/clean-tiny"), "oci:" + work.resolve("pulled") + ":x")).requireSuccess();

    JsonNode audit = RegistryClient.json(api("GET", "/api/v1/audit?action=image.promoted&repository=official/clean-tiny",
        null)).get("items");
    assertThat(audit).hasSize(1);
    assertThat(audit.get(0).get("detail").get("policy").asText()).isEqualTo(Long.toString(id));
    assertThat(audit.get(0).get("detail").get("source").asText()).isEqualTo("hub/clean-tiny:" + refs.get("hub/clean-tiny"));
    assertThat(metric("portcullis_promotions_total{outcome=\"promoted\"}")).isGreaterThanOrEqualTo(
        clean.values().stream().filter(c -> c).count());

    JsonNode again = call("POST", "/api/v1/policies/" + id + "/apply", null);
    again.get("items").forEach(i -> assertThat(i.get("outcome").asText())
        .isEqualTo(clean.get(i.get("repository").asText()) ? "already-promoted" : "skip"));

    // A push is promoted by the policy once its scan completes, without being asked.
    push(image("clean-tiny"), "hub/pushed:v1").requireSuccess();
    push(image("java-app"), "hub/vulnerable:v1").requireSuccess();
    await("hub/pushed:v1 promoted", unchecked(() -> digest("official/pushed", "v1") != null));
    assertThat(digest("official/pushed", "v1")).isEqualTo(digest("hub/pushed", "v1"));
    awaitIdleJobs();
    assertThat(digest("official/vulnerable", "v1")).isNull();

    // An import that drops the GHSA records clears hub/vulnerable: the re-match's events re-run the policy.
    HttpResponse<byte[]> accepted = api("POST", "/api/v1/vulnerability-db/imports?format=osv&source=fixtures-ghsa",
        zip(fixtures.resolve("vulndb/debian/osv")));
    assertThat(awaitJob(RegistryClient.json(accepted).get("id").asLong()).get("state").asText()).isEqualTo("succeeded");
    await("hub/vulnerable:v1 promoted after the import", unchecked(() -> digest("official/vulnerable", "v1") != null));
    assertThat(digest("official/vulnerable", "v1")).isEqualTo(digest("hub/vulnerable", "v1"));

    // An import that finds vulnerabilities in a promoted image again makes the gate of its namespace refuse it
    // (to anyone but system administrators: here an anonymous pull of the public repository).
    call("PATCH", "/api/v1/repositories/official/vulnerable", "{\"visibility\":\"public\"}");
    call("PUT", "/api/v1/namespaces/official/pull-gate", "{\"minSeverity\":\"major\"}");
    assertThat(anonymousInspect("official/vulnerable:v1").exitCode()).isZero();
    HttpResponse<byte[]> restored = api("POST", "/api/v1/vulnerability-db/imports?format=osv&source=fixtures-ghsa",
        zip(fixtures.resolve("vulndb/ghsa")));
    assertThat(awaitJob(RegistryClient.json(restored).get("id").asLong()).get("state").asText()).isEqualTo("succeeded");
    await("the gate refuses official/vulnerable:v1 after the import", unchecked(() -> {
      Processes.Result inspect = anonymousInspect("official/vulnerable:v1");
      return inspect.exitCode() != 0 && inspect.output().contains("pull refused");
    }));
    call("DELETE", "/api/v1/namespaces/official/pull-gate", null);
  }

  private Processes.Result anonymousInspect(String reference) throws Exception {
    return Processes.run(List.of("skopeo", "inspect", "--raw", "--tls-verify=false", "--no-creds",
        "docker://" + registry.host + "/" + reference));
  }

  @Test
  void immutabilityRulesRefuseOverwritesAndPromotionsIntoThemNamingTheRule() throws Exception {
    long rule = call("POST", "/api/v1/immutability-rules", "{\"scope\":\"release/*\",\"pattern\":\"stable*\"}")
        .get("id").asLong();
    push(image("clean-tiny"), "release/app:stable").requireSuccess();
    push(image("clean-tiny"), "release/app:stable").requireSuccess();
    Processes.Result overwrite = push(image("alpine-3.16"), "release/app:stable");
    assertThat(overwrite.exitCode()).isNotZero();
    assertThat(overwrite.output()).contains("denied").contains("immutability rule " + rule);
    HttpResponse<byte[]> delete = client.send("DELETE", "/v2/release/app/manifests/" + digest("release/app", "stable"),
        "repository:release/app:delete", null);
    assertThat(delete.statusCode()).isGreaterThanOrEqualTo(400);
    assertThat(new String(delete.body(), StandardCharsets.UTF_8)).contains("DENIED").contains("immutability rule " + rule);
    push(image("alpine-3.16"), "release/app:latest").requireSuccess();
    push(image("clean-tiny"), "release/app:latest").requireSuccess();

    // A policy without criteria promotes on push, here into the protected tag: refused and reported.
    long id = policy("staging/app", "release/app", "stable", "[]", true);
    push(image("alpine-3.16"), "staging/app:3.16").requireSuccess();
    await("the refusal", unchecked(() -> call("GET", "/api/v1/policies/" + id + "/promotions", null).get("items").size() == 1));
    JsonNode refused = call("GET", "/api/v1/policies/" + id + "/promotions", null).get("items").get(0);
    assertThat(refused.get("state").asText()).isEqualTo("refused");
    assertThat(refused.get("reason").asText()).contains("immutability rule " + rule);
    assertThat(digest("release/app", "stable")).isNotEqualTo(digest("staging/app", "3.16"));
    JsonNode audit = RegistryClient.json(api("GET", "/api/v1/audit?action=promotion.refused&repository=release/app", null));
    assertThat(audit.get("items")).hasSize(1);
    JsonNode dryRun = call("POST", "/api/v1/policies/" + id + "/apply?dryRun=true", null).get("items").get(0);
    assertThat(dryRun.get("outcome").asText()).isEqualTo("refuse");
    assertThat(dryRun.get("reasons").toString()).contains("immutability rule " + rule);

    call("DELETE", "/api/v1/immutability-rules/" + rule, null);
    JsonNode applied = call("POST", "/api/v1/policies/" + id + "/apply", null).get("items").get(0);
    assertThat(applied.get("outcome").asText()).isEqualTo("promote");
    assertThat(digest("release/app", "stable")).isEqualTo(digest("staging/app", "3.16"));
  }

  @Test
  void badPoliciesAreRefusedWithTheReasonAndNothingStored() throws Exception {
    record Bad(String body, String detail) {}
    for (Bad bad : List.of(
        new Bad("{\"name\":\"x\",\"source\":\"hub/*\",\"target\":\"hub/copies/{name}\",\"criteria\":[]}", "lies in the source"),
        new Bad("{\"name\":\"x\",\"source\":\"hub/a\",\"target\":\"official/{name}\"}", "needs a namespace source"),
        new Bad("{\"name\":\"x\",\"source\":\"hub/a\",\"target\":\"official/a\",\"tagTemplate\":\"{version}\"}",
            "unknown placeholder {version}"),
        new Bad("{\"name\":\"x\",\"source\":\"hub/a\",\"target\":\"official/a\",\"criteria\":[{\"type\":\"vulnerabilities\","
            + "\"severity\":\"high\",\"op\":\"=\",\"count\":0}]}", "severity 'high'"),
        new Bad("{\"name\":\"x\",\"source\":\"hub/**\",\"target\":\"official/a\"}", "neither a repository name"))) {
      HttpResponse<byte[]> response = client.send("POST", "/api/v1/policies", null, bad.body().getBytes(StandardCharsets.UTF_8),
          "Authorization", basic, "Content-Type", "application/json");
      assertThat(response.statusCode()).as(bad.body()).isEqualTo(400);
      assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains(bad.detail());
    }
    assertThat(call("GET", "/api/v1/policies?source=hub/a", null).get("items")).isEmpty();
  }

  @Test
  void twentyConcurrentPushesRacingApplyNowPromoteEachTagExactlyOnceWithDistinctNumbers() throws Exception {
    long id = policy("burst/*", "burst-out/{name}", "{tag}-{n}", CLEAN_CRITERIA, true);
    ExecutorService pool = Executors.newFixedThreadPool(24);
    try {
      List<Future<Processes.Result>> pushes = new ArrayList<>();
      for (int i = 1; i <= 20; i++) {
        String reference = "burst/app" + (i % 4) + ":t" + i;
        pushes.add(pool.submit(() -> push(image("clean-tiny"), reference)));
      }
      List<Future<JsonNode>> applies = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        applies.add(pool.submit(() -> call("POST", "/api/v1/policies/" + id + "/apply", null)));
      }
      for (Future<Processes.Result> push : pushes) {
        push.get().requireSuccess();
      }
      for (Future<JsonNode> apply : applies) {
        apply.get();
      }
    } finally {
      pool.shutdown();
    }
    awaitIdleJobs();
    await("20 promotions", unchecked(() -> call("GET", "/api/v1/policies/" + id + "/promotions", null).get("items").size() == 20));
    call("POST", "/api/v1/policies/" + id + "/apply", null).get("items")
        .forEach(i -> assertThat(i.get("outcome").asText()).isEqualTo("already-promoted"));
    JsonNode promotions = call("GET", "/api/v1/policies/" + id + "/promotions", null).get("items");
    assertThat(promotions).hasSize(20);
    promotions.forEach(p -> assertThat(p.get("state").asText()).isEqualTo("promoted"));
    // {n} is taken under the policy's lock: the racing promotions got the numbers 1 to 20, each once.
    java.util.Set<Integer> numbers = new java.util.TreeSet<>();
    promotions.forEach(p -> {
      String tag = p.get("targetTag").asText();
      assertThat(tag).startsWith(p.get("tag").asText() + "-");
      numbers.add(Integer.parseInt(tag.substring(tag.lastIndexOf('-') + 1)));
    });
    assertThat(numbers).containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 20).boxed().toList());
    int events = 0;
    for (int app = 0; app < 4; app++) {
      events += RegistryClient.json(api("GET", "/api/v1/audit?action=image.promoted&repository=burst-out/app" + app, null))
          .get("items").size();
    }
    assertThat(events).as("one image.promoted per promotion").isEqualTo(20);
  }

  @Test
  void aPromotionPastTheTargetNamespacesQuotaIsRefusedAndLeavesNothingThere() throws Exception {
    call("PUT", "/api/v1/quotas/tight", "{\"limitBytes\":100,\"warnPercent\":80}");
    long id = policy("roomy/app", "tight/app", "{tag}", "[]", true);
    push(image("clean-tiny"), "roomy/app:1").requireSuccess();
    await("the refusal", unchecked(() -> call("GET", "/api/v1/policies/" + id + "/promotions", null).get("items").size() == 1));
    JsonNode refused = call("GET", "/api/v1/policies/" + id + "/promotions", null).get("items").get(0);
    assertThat(refused.get("state").asText()).isEqualTo("refused");
    assertThat(refused.get("reason").asText()).contains("storage quota of namespace tight exceeded");
    assertThat(digest("tight/app", "1")).isNull();
    assertThat(call("GET", "/api/v1/quotas/tight", null).get("usedBytes").asLong()).isZero();
  }

  @Test
  void theOwnerNeedsReadOnTheSourceAndWriteOnTheTargetAtCreationAndAtEachPromotion() throws Exception {
    Principal root = new Principal(TestRegistry.ADMIN, Principal.Kind.ADMIN, Set.of(Principal.Flag.BOOTSTRAP));
    registry.identity().users().create(root, "carol", "carol-password-for-policies", null, null, false);
    String carol = "Basic " + Base64.getEncoder().encodeToString("carol:carol-password-for-policies".getBytes());
    String body = "{\"name\":\"out\",\"source\":\"carol/src\",\"target\":\"shared/out\",\"criteria\":[]}";
    HttpResponse<byte[]> refused = client.send("POST", "/api/v1/policies", null, body.getBytes(StandardCharsets.UTF_8),
        "Authorization", carol, "Content-Type", "application/json");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("you may not push to shared/out");

    registry.identity().repositories().grantUser(root, "shared/out", "carol", RepositoryLevel.READ_WRITE);
    HttpResponse<byte[]> created = client.send("POST", "/api/v1/policies", null, body.getBytes(StandardCharsets.UTF_8),
        "Authorization", carol, "Content-Type", "application/json");
    assertThat(created.statusCode()).as(new String(created.body(), StandardCharsets.UTF_8)).isEqualTo(201);
    long id = RegistryClient.json(created).get("id").asLong();
    assertThat(RegistryClient.json(created).get("owner").asText()).isEqualTo("carol");
    push(image("clean-tiny"), "carol/src:1").requireSuccess();
    await("carol/src:1 promoted", unchecked(() -> digest("shared/out", "1") != null));

    // Without write on the target any more, the owner's policy promotes nothing and says why.
    registry.identity().repositories().revokeUser(root, "shared/out", "carol");
    push(image("clean-tiny"), "carol/src:2").requireSuccess();
    await("the refusal", unchecked(() -> call("GET", "/api/v1/policies/" + id + "/promotions", null).get("items").size() == 2));
    JsonNode latest = call("GET", "/api/v1/policies/" + id + "/promotions", null).get("items").get(0);
    assertThat(latest.get("state").asText()).isEqualTo("refused");
    assertThat(latest.get("reason").asText()).isEqualTo("owner carol may not push to shared/out");
    assertThat(digest("shared/out", "2")).isNull();

    // The command line: the same dry run, as text.
    Processes.Result dryRun = registry.cli("policies", "apply", Long.toString(id), "--dry-run");
    assertThat(dryRun.exitCode()).as(dryRun.output()).isZero();
    assertThat(dryRun.output()).contains("dry run of policy " + id).contains("already-promoted carol/src:1")
        .contains("refuse").contains("owner carol may not push to shared/out");
    Processes.Result made = registry.cli("policies", "create", "cli/*", "--target", "cli-out/{name}", "--tag-template",
        "{tag}-{date}", "--vulnerabilities", "critical=0", "--vulnerabilities", "major<=0", "--output", "json");
    assertThat(made.exitCode()).as(made.output()).isZero();
    JsonNode policy = RegistryClient.JSON.readTree(made.output());
    assertThat(policy.get("criteria").toString()).isEqualTo("[{\"type\":\"vulnerabilities\",\"severity\":\"critical\","
        + "\"op\":\"=\",\"count\":0},{\"type\":\"vulnerabilities\",\"severity\":\"major\",\"op\":\"<=\",\"count\":0}]");
    Processes.Result listed = registry.cli("policies", "list", "--source", "cli/*");
    assertThat(listed.output()).contains("critical = 0 and major <= 0");
  }

  @Test
  void aPruningPolicyWithCriteriaPrunesOnlyTheTagsWhoseImagesMeetThem() throws Exception {
    push(image("clean-tiny"), "prune/mixed:clean").requireSuccess();
    push(image("java-app"), "prune/mixed:vulnerable").requireSuccess();
    for (String tag : List.of("clean", "vulnerable")) {
      await("prune/mixed:" + tag + " scanned", unchecked(() -> call("GET", "/api/v1/repositories/prune/mixed/manifests/"
          + tag + "/scan", null).get("status").asText().equals("succeeded")));
    }
    call("PUT", "/api/v1/repositories/prune/mixed/retention", "{\"afterPush\":false,\"criteria\":"
        + "[{\"type\":\"vulnerabilities\",\"severity\":\"all\",\"op\":\">=\",\"count\":1}]}");
    JsonNode dry = call("POST", "/api/v1/repositories/prune/mixed/retention/runs", "{\"dryRun\":true}");
    JsonNode run = call("POST", "/api/v1/repositories/prune/mixed/retention/runs", "{}");
    for (JsonNode report : List.of(dry, run)) {
      JsonNode byTag = report.get("tags");
      assertThat(byTag).hasSize(2);
      byTag.forEach(t -> {
        boolean vulnerable = t.get("tag").asText().equals("vulnerable");
        assertThat(t.get("outcome").asText()).as(t.toString())
            .isEqualTo(vulnerable ? (report == dry ? "wouldPrune" : "pruned") : "kept");
        assertThat(t.get("reason").asText()).contains(vulnerable ? "vulnerabilities (wanted all >= 1)" : "0 vulnerabilities");
      });
    }
    assertThat(digest("prune/mixed", "vulnerable")).isNull();
    assertThat(digest("prune/mixed", "clean")).isNotNull();
  }
}
