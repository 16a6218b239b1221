package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.app.Setting;
import io.portcullis.webhooks.Receiver;
import io.portcullis.webhooks.Receiver.Answer;
import io.portcullis.webhooks.Receiver.Request;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Webhooks on a running registry, with real receivers on 127.0.0.1 (allowed by webhooks.allowed-networks)
 * that check every signature with their own implementation of the Standard Webhooks specification:
 * skopeo pushes arrive signed; a receiver that is down gets everything, in order per repository, once it
 * is up; one that hangs times out without holding up others; redirects are not followed; ping, redelivery,
 * the CLI and the metrics; a webhook that fails for the whole retry horizon is disabled (last: it moves
 * the server's clock on).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class WebhooksApiContract {
  static final String PASSWORD = "correct-horse-battery";
  static final Duration WAIT = Duration.ofSeconds(30);

  TestRegistry registry;
  RegistryClient http;
  Receiver receiver;
  final List<AutoCloseable> closing = new ArrayList<>();

  abstract TestRegistry.Backend backend();

  @BeforeAll
  void start() throws Exception {
    registry = TestRegistry.start(backend(), Map.of(Setting.WEBHOOKS_ALLOWED_NETWORKS, "127.0.0.1/32",
        Setting.WEBHOOKS_TIMEOUT, "PT1S", Setting.WEBHOOKS_CONCURRENCY, "4"));
    http = new RegistryClient(registry.baseUrl(), null, null);
    receiver = Receiver.start();
    for (String user : List.of("carol", "dave", "olga")) {
      expect(201, admin("POST", "/users", "{\"name\":\"" + user + "\",\"password\":\"" + PASSWORD + "\"}"));
    }
    expect(201, admin("POST", "/orgs", "{\"name\":\"acme\"}"));
    expect(200, admin("PUT", "/orgs/acme/admins/carol", null));
    expect(201, as("carol", "POST", "/repositories", "{\"name\":\"acme/app\"}"));
    expect(200, as("carol", "PUT", "/repositories/acme/app/users/dave", "{\"level\":\"read\"}"));
  }

  @AfterAll
  void stop() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    receiver.close();
    registry.close();
  }

  HttpResponse<byte[]> admin(String method, String path, String body) throws Exception {
    return http.api(basic(TestRegistry.ADMIN, TestRegistry.ADMIN_PASSWORD), method, path, body);
  }

  HttpResponse<byte[]> as(String user, String method, String path, String body) throws Exception {
    return http.api(basic(user, PASSWORD), method, path, body);
  }

  static String basic(String user, String password) {
    return IdentityApiContract.basic(user, password);
  }

  static JsonNode expect(int status, HttpResponse<byte[]> response) throws Exception {
    return IdentityApiContract.expect(status, response);
  }

  /** Creates a webhook as the administrator; returns the answer (id, secret). */
  JsonNode webhook(String scopePath, String url, String events) throws Exception {
    return expect(201, admin("POST", scopePath, "{\"url\":\"" + url + "\""
        + (events == null ? "" : ",\"events\":" + events) + "}"));
  }

  JsonNode deliveries(long webhook) throws Exception {
    return expect(200, admin("GET", "/webhooks/" + webhook + "/deliveries", null)).get("items");
  }

  /** Waits until a delivery of the webhook satisfies {@code done}. */
  JsonNode awaitDelivery(long webhook, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonNode d : deliveries(webhook)) {
        if (done.test(d)) {
          return d;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no such delivery of webhook " + webhook + ": " + deliveries(webhook));
  }

  JsonNode payload(Request request) throws Exception {
    return RegistryClient.JSON.readTree(request.body());
  }

  static Predicate<Request> at(String path) {
    return r -> r.path().equals(path);
  }

  @Test
  @Order(1)
  void theAdminsOfAScopeManageItsWebhooksAndNobodyElse() throws Exception {
    String url = receiver.url("/access");
    String body = "{\"url\":\"" + url + "\"}";
    expect(401, http.send("GET", "/api/v1/webhooks", null, null));
    expect(403, as("carol", "GET", "/webhooks", null));
    expect(403, as("carol", "POST", "/webhooks", body));
    JsonNode acme = expect(201, as("carol", "POST", "/namespaces/acme/webhooks", body));
    assertThat(acme.get("scope").asText()).isEqualTo("namespace");
    assertThat(acme.get("scopeName").asText()).isEqualTo("acme");
    assertThat(acme.get("secret").asText()).startsWith("whsec_");
    assertThat(acme.get("events").isNull()).isTrue();
    assertThat(acme.get("createdBy").asText()).isEqualTo("carol");
    long id = acme.get("id").asLong();
    JsonNode shown = expect(200, as("carol", "GET", "/webhooks/" + id, null));
    assertThat(shown.has("secret")).as("the secret is shown once").isFalse();
    expect(403, as("dave", "GET", "/repositories/acme/app/webhooks", null));
    expect(404, as("dave", "GET", "/repositories/acme/hidden/webhooks", null));
    expect(404, as("dave", "GET", "/webhooks/" + id, null));
    expect(201, as("olga", "POST", "/namespaces/olga/webhooks", body));
    expect(403, as("olga", "POST", "/namespaces/acme/webhooks", body));
    assertThat(expect(200, as("carol", "GET", "/namespaces/acme/webhooks", null)).get("items")).hasSize(1);
    expect(201, as("carol", "POST", "/repositories/acme/app/webhooks", body));

    assertThat(expect(400, as("carol", "POST", "/namespaces/acme/webhooks", "{\"url\":\"" + url + "\",\"colour\":1}"))
        .get("detail").asText()).startsWith("unknown field 'colour'");
    assertThat(expect(400, as("carol", "POST", "/namespaces/acme/webhooks",
        "{\"url\":\"" + url + "\",\"events\":[\"user.created\"]}")).get("detail").asText())
        .startsWith("'user.created' is not an event type webhooks receive");
    assertThat(expect(400, as("carol", "POST", "/namespaces/acme/webhooks", "{\"url\":\"http://u:p@example.com/\"}"))
        .get("detail").asText()).contains("user info");
    assertThat(expect(400, as("carol", "POST", "/namespaces/acme/webhooks", "{\"url\":\"http://127.0.0.2:9/\"}"))
        .get("detail").asText()).isEqualTo("url refused: 127.0.0.2, a loopback address outside webhooks.allowed-networks");
    assertThat(expect(400, as("carol", "POST", "/namespaces/NotValid/webhooks", body)).get("detail").asText())
        .contains("invalid namespace");
    expect(404, as("carol", "GET", "/webhooks/abc", null));

    JsonNode patched = expect(200, as("carol", "PATCH", "/webhooks/" + id,
        "{\"events\":[\"tag.pushed\",\"scan.failed\"],\"description\":\"CI\",\"format\":\"cloudevents\"}"));
    assertThat(patched.get("events")).extracting(JsonNode::asText).containsExactly("scan.failed", "tag.pushed");
    assertThat(patched.get("format").asText()).isEqualTo("cloudevents");
    assertThat(patched.get("description").asText()).isEqualTo("CI");
    JsonNode off = expect(200, as("carol", "PATCH", "/webhooks/" + id, "{\"enabled\":false,\"events\":null}"));
    assertThat(off.get("enabled").asBoolean()).isFalse();
    assertThat(off.get("disabledReason").asText()).isEqualTo("disabled by carol");
    assertThat(off.get("events").isNull()).isTrue();
    expect(204, as("carol", "DELETE", "/webhooks/" + id, null));
    expect(404, as("carol", "GET", "/webhooks/" + id, null));
    JsonNode audit = expect(200, admin("GET", "/audit?action=webhook.created&actor=carol", null));
    assertThat(audit.get("items")).isNotEmpty();
  }

  @Test
  @Order(2)
  void aSkopeoPushArrivesAsSignedTagAndManifestEvents() throws Exception {
    JsonNode created = expect(201, as("carol", "POST", "/repositories/acme/app/webhooks",
        "{\"url\":\"" + receiver.url("/push") + "\",\"events\":[\"tag.pushed\",\"manifest.pushed\"]}"));
    String secret = created.get("secret").asText();
    Path layout = Processes.shared().resolve("fixtures/images/clean-tiny");
    Skopeo.copy(layout, Skopeo.adminCreds(), "docker://" + registry.host + "/acme/app:v1");

    Request tag = receiver.await(at("/push").and(r -> r.text().contains("\"tag.pushed\"")), WAIT);
    Request manifest = receiver.await(at("/push").and(r -> r.text().contains("\"manifest.pushed\"")), WAIT);
    for (Request request : List.of(tag, manifest)) {
      assertThat(Receiver.verify(request, List.of(secret))).as("signed with the webhook's secret").containsExactly(secret);
      long age = Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(request.header("webhook-timestamp")));
      assertThat(age).as("a current timestamp").isLessThan(60);
      assertThat(request.header("webhook-id")).isEqualTo(payload(request).get("id").asText());
    }
    JsonNode pushed = payload(tag);
    String digest = registry.admin().send("HEAD", "/v2/acme/app/manifests/v1", "repository:acme/app:pull", null)
        .headers().firstValue("Docker-Content-Digest").orElseThrow();
    assertThat(pushed.get("repository").asText()).isEqualTo("acme/app");
    assertThat(pushed.get("tag").asText()).isEqualTo("v1");
    assertThat(pushed.get("digest").asText()).isEqualTo(digest);
    assertThat(pushed.get("actor").asText()).isEqualTo(TestRegistry.ADMIN);
    assertThat(pushed.get("mediaType").asText()).contains("manifest");
    assertThat(payload(manifest).get("digest").asText()).isEqualTo(digest);

    long id = created.get("id").asLong();
    JsonNode delivered = awaitDelivery(id, d -> d.get("type").asText().equals("tag.pushed")
        && d.get("state").asText().equals("succeeded"));
    JsonNode detail = expect(200, admin("GET", "/webhooks/" + id + "/deliveries/" + delivered.get("id").asLong(), null));
    assertThat(detail.get("attempts").asInt()).isEqualTo(1);
    assertThat(detail.get("responseStatus").asInt()).isEqualTo(204);
    assertThat(detail.get("request").get("headers").get("webhook-signature").asText()).isEqualTo(tag.header("webhook-signature"));
    assertThat(detail.get("request").get("body").asText()).isEqualTo(tag.text());
    assertThat(detail.get("durationMs").asLong()).isNotNegative();
  }

  @Test
  @Order(3)
  void aReceiverThatIsDownGetsEverythingInOrderOnceItIsUp() throws Exception {
    Receiver late = Receiver.start();
    closing.add(late);
    late.down();
    JsonNode created = webhook("/namespaces/burst/webhooks", late.url("/in"), "[\"tag.pushed\"]");
    long id = created.get("id").asLong();
    RegistryClient admin = registry.admin();
    Map<String, List<String>> tagsByRepository = new LinkedHashMap<>();
    for (int i = 1; i <= 4; i++) {
      for (String repository : List.of("burst/a", "burst/b")) {
        if (repository.equals("burst/b") && i == 4) {
          continue;
        }
        admin.pushImage(repository, "t" + i, ("layer " + repository + i).getBytes());
        tagsByRepository.computeIfAbsent(repository, r -> new ArrayList<>()).add("t" + i);
      }
    }
    awaitDelivery(id, d -> d.get("attempts").asInt() >= 1 && d.get("error").asText("").startsWith("cannot connect"));
    late.up();
    List<Request> received = late.awaitCount(7, WAIT);

    Map<String, List<String>> firstReceipts = new LinkedHashMap<>();
    Set<String> ids = new TreeSet<>();
    for (Request request : received) {
      JsonNode event = payload(request);
      if (ids.add(event.get("id").asText())) {
        firstReceipts.computeIfAbsent(event.get("repository").asText(), r -> new ArrayList<>()).add(event.get("tag").asText());
      }
      assertThat(Receiver.verify(request, List.of(created.get("secret").asText()))).hasSize(1);
    }
    assertThat(firstReceipts).as("in push order per repository").isEqualTo(tagsByRepository);
    JsonNode audit = expect(200, admin("GET", "/audit?action=tag.pushed&limit=100", null)).get("items");
    Set<String> expected = new TreeSet<>();
    audit.forEach(e -> {
      if (e.get("repository").asText().startsWith("burst/")) {
        expected.add("evt_" + e.get("id").asLong());
      }
    });
    assertThat(ids).as("none lost").isEqualTo(expected);
  }

  @Test
  @Order(4)
  void aHangingReceiverTimesOutWithoutHoldingUpOthers() throws Exception {
    receiver.answer(r -> r.path().equals("/hang") ? Answer.HANG : Answer.OK);
    long hanging = webhook("/namespaces/slow/webhooks", receiver.url("/hang"), null).get("id").asLong();
    webhook("/namespaces/slow/webhooks", receiver.url("/fast"), null);
    RegistryClient admin = registry.admin();
    for (int i = 0; i < 6; i++) {
      admin.pushImage("slow/r" + i, "v1", ("slow " + i).getBytes());
    }
    for (int i = 0; i < 6; i++) {
      String repository = "slow/r" + i;
      receiver.await(at("/fast").and(r -> r.text().contains("\"tag.pushed\"") && r.text().contains(repository)), WAIT);
    }
    JsonNode timedOut = awaitDelivery(hanging, d -> d.get("attempts").asInt() >= 1);
    assertThat(timedOut.get("error").asText()).isEqualTo("no answer within 1 s");
    assertThat(timedOut.get("durationMs").asLong()).isBetween(900L, 10_000L);

    expect(204, admin("DELETE", "/webhooks/" + hanging, null));
    long deadline = System.nanoTime() + WAIT.toNanos();
    double inFlight = -1;
    while (System.nanoTime() < deadline && inFlight != 0) {
      Thread.sleep(200);
      inFlight = metric("portcullis_webhook_deliveries_in_flight");
    }
    assertThat(inFlight).as("every sender returned").isZero();
  }

  @Test
  @Order(5)
  void aRedirectIsAFailedDeliveryAndNeverFollowed() throws Exception {
    try (Receiver inside = Receiver.start("127.0.0.2")) {
      receiver.answer(r -> switch (r.path()) {
        case "/to-inside" -> Answer.redirect(inside.url("/secret"));
        case "/to-metadata" -> Answer.redirect("http://169.254.169.254/latest/meta-data/");
        default -> Answer.OK;
      });
      long toInside = webhook("/repositories/moved/app/webhooks", receiver.url("/to-inside"), null).get("id").asLong();
      long toMetadata = webhook("/repositories/moved/app/webhooks", receiver.url("/to-metadata"), null).get("id").asLong();
      registry.admin().pushImage("moved/app", "v1", "moved".getBytes());
      JsonNode inside302 = awaitDelivery(toInside, d -> d.get("attempts").asInt() >= 1);
      assertThat(inside302.get("state").asText()).isEqualTo("pending");
      assertThat(inside302.get("responseStatus").asInt()).isEqualTo(302);
      assertThat(inside302.get("error").asText()).isEqualTo("HTTP 302: redirect to " + inside.url("/secret")
          + " not followed (webhooks never follow redirects; change the URL)");
      assertThat(awaitDelivery(toMetadata, d -> d.get("attempts").asInt() >= 1).get("error").asText())
          .contains("redirect to http://169.254.169.254/latest/meta-data/ not followed");
      Thread.sleep(1_000);
      assertThat(inside.requests()).as("nothing reached the refused address").isEmpty();
    } finally {
      receiver.answer(r -> Answer.OK);
    }
  }

  @Test
  @Order(6)
  void pingRedeliverTheCliAndTheMetrics() throws Exception {
    Processes.Result created = registry.cli("webhooks", "create", receiver.url("/cli"), "--repository", "acme/cli",
        "--events", "tag.pushed", "--description", "from the CLI").requireSuccess();
    Matcher secret = Pattern.compile("signing secret \\(shown once\\): (whsec_\\S+)").matcher(created.output());
    assertThat(secret.find()).as(created.output()).isTrue();
    Matcher idMatch = Pattern.compile("^\\s*(\\d+) enabled", Pattern.MULTILINE).matcher(created.output());
    assertThat(idMatch.find()).as(created.output()).isTrue();
    String id = idMatch.group(1);
    assertThat(registry.cli("webhooks", "list", "--repository", "acme/cli").requireSuccess().output())
        .contains(receiver.url("/cli")).contains("[tag.pushed]");

    Processes.Result ping = registry.cli("webhooks", "ping", id).requireSuccess();
    assertThat(ping.output()).contains("webhook.ping").contains("succeeded").contains("HTTP 204");
    Request pinged = receiver.await(at("/cli").and(r -> r.text().contains("webhook.ping")), WAIT);
    assertThat(Receiver.verify(pinged, List.of(secret.group(1)))).isNotEmpty();

    HttpResponse<byte[]> accepted = admin("POST", "/webhooks/" + id + "/ping", null);
    JsonNode queued = expect(202, accepted);
    assertThat(accepted.headers().firstValue("Location").orElseThrow())
        .isEqualTo("/api/v1/webhooks/" + id + "/deliveries/" + queued.get("id").asLong());

    registry.admin().pushImage("acme/cli", "v1", "cli".getBytes());
    Request original = receiver.await(at("/cli").and(r -> r.text().contains("tag.pushed")), WAIT);
    JsonNode delivered = awaitDelivery(Long.parseLong(id), d -> d.get("type").asText().equals("tag.pushed")
        && d.get("state").asText().equals("succeeded"));
    Processes.Result again = registry.cli("webhooks", "redeliver", id, delivered.get("id").asText()).requireSuccess();
    assertThat(again.output()).startsWith("queued as delivery ");
    receiver.await(r -> r != original && r.path().equals("/cli") && r.text().equals(original.text())
        && r.header("webhook-id").equals(original.header("webhook-id")), WAIT);
    assertThat(registry.cli("webhooks", "deliveries", id).requireSuccess().output()).contains("tag.pushed")
        .contains("webhook.ping");
    assertThat(registry.cli("webhooks", "delivery", id, delivered.get("id").asText()).requireSuccess().output())
        .contains("> webhook-signature: v1,");

    assertThat(metric("portcullis_webhook_deliveries_total{outcome=\"succeeded\"}")).isPositive();
    assertThat(metric("portcullis_webhook_deliveries_total{outcome=\"failed\"}")).isPositive();
    assertThat(metricsText()).contains("portcullis_webhook_deliveries_pending ")
        .contains("portcullis_webhook_delivery_duration_seconds_bucket")
        .contains("portcullis_events_pending{subscriber=\"webhooks\"}");
  }

  @Test
  @Order(7)
  void aReceiverAnswering410DisablesItsWebhookAtOnce() throws Exception {
    receiver.answer(r -> r.path().equals("/gone") ? Answer.status(410) : Answer.OK);
    long id = webhook("/repositories/gone/app/webhooks", receiver.url("/gone"), null).get("id").asLong();
    registry.admin().pushImage("gone/app", "v1", "gone".getBytes());
    JsonNode failed = awaitDelivery(id, d -> d.get("state").asText().equals("failed"));
    assertThat(failed.get("attempts").asInt()).isEqualTo(1);
    JsonNode webhook = expect(200, admin("GET", "/webhooks/" + id, null));
    assertThat(webhook.get("enabled").asBoolean()).isFalse();
    assertThat(webhook.get("disabledReason").asText()).isEqualTo("the receiver answered 410 Gone");
    assertThat(expect(409, admin("POST", "/webhooks/" + id + "/deliveries/" + failed.get("id").asLong() + "/redeliver",
        null)).get("detail").asText()).isEqualTo("webhook " + id + " is disabled; enable it first");
  }

  @Test
  @Order(8)
  void aDeletedRepositoryTakesItsWebhooksWithIt() throws Exception {
    registry.admin().pushImage("doomed/app", "v1", "doomed".getBytes());
    long id = webhook("/repositories/doomed/app/webhooks", receiver.url("/doomed"), null).get("id").asLong();
    expect(204, admin("DELETE", "/repositories/doomed/app", null));
    expect(404, admin("GET", "/webhooks/" + id, null));
    registry.admin().pushImage("doomed/app", "v1", "reborn".getBytes());
    expect(404, admin("GET", "/webhooks/" + id, null));
    assertThat(expect(200, admin("GET", "/repositories/doomed/app/webhooks", null)).get("items")).isEmpty();
  }

  /** Moves the server's clock past the retry horizon, so it runs last. */
  @Test
  @Order(100)
  void aWebhookFailingForTheWholeHorizonIsDisabledWithAnEvent() throws Exception {
    receiver.answer(r -> r.path().equals("/failing") ? Answer.status(500) : Answer.OK);
    long id = webhook("/namespaces/doomed/webhooks", receiver.url("/failing"), null).get("id").asLong();
    webhook("/webhooks", receiver.url("/watch"), "[\"webhook.disabled\"]");
    registry.admin().pushImage("doomed/app", "v1", "doomed".getBytes());
    awaitDelivery(id, d -> d.get("attempts").asInt() >= 1);
    JsonNode failing = expect(200, admin("GET", "/webhooks/" + id, null));
    assertThat(failing.get("enabled").asBoolean()).isTrue();
    assertThat(failing.get("consecutiveFailures").asInt()).isPositive();
    assertThat(failing.get("failingSince").isNull()).isFalse();

    registry.advanceClock(Duration.ofHours(25));
    awaitDelivery(id, d -> d.get("state").asText().equals("failed"));
    JsonNode disabled = expect(200, admin("GET", "/webhooks/" + id, null));
    assertThat(disabled.get("enabled").asBoolean()).isFalse();
    assertThat(disabled.get("disabledReason").asText()).startsWith("every attempt failed for PT24H (last: HTTP 500)");
    Request notice = receiver.await(at("/watch").and(r -> r.text().contains("\"webhook\":\"" + id + "\"")), WAIT);
    JsonNode event = payload(notice);
    assertThat(event.get("type").asText()).isEqualTo("webhook.disabled");
    assertThat(event.get("detail").get("reason").asText()).startsWith("every attempt failed");
    assertThat(event.get("detail").get("scope").asText()).isEqualTo("namespace doomed");
    assertThat(event.get("repository").isNull()).as("a namespace webhook's notice names no repository").isTrue();
    JsonNode audit = expect(200, admin("GET", "/audit?action=webhook.disabled", null)).get("items");
    assertThat(audit).anySatisfy(e -> assertThat(e.get("target").asText()).isEqualTo("webhook " + id));
  }

  String metricsText() throws Exception {
    return new String(http.send("GET", "/metrics", null, null).body(), StandardCharsets.UTF_8);
  }

  double metric(String series) throws Exception {
    for (String line : metricsText().split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    throw new AssertionError("no metric " + series);
  }
}
