package io.portcullis.webhooks;

import io.portcullis.shared.Scope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.auth.Principal;
import io.portcullis.auth.TestClock;
import io.portcullis.auth.secret.SecretBox;
import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.jdbc.JdbcEventStore;
import io.portcullis.events.EventQuery;
import io.portcullis.events.EventType;
import io.portcullis.metadata.TestDatabase;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.IpNetwork;
import io.portcullis.shared.NetworkPolicy;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.Tag;
import io.portcullis.webhooks.Receiver.Answer;
import io.portcullis.webhooks.Receiver.Request;
import io.portcullis.webhooks.WebhookException.Reason;
import io.portcullis.webhooks.jdbc.JdbcWebhookStore;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Webhooks end to end inside one process, on each database: events appended to the log reach a real
 * HTTP receiver on 127.0.0.1, signed, in order, retried, given up, and webhooks are disabled; the
 * receiver checks the signatures with its own implementation of the specification.
 */
abstract class WebhooksContract {
  static final Duration WAIT = Duration.ofSeconds(15);
  static final Principal ROOT = new Principal("root", Principal.Kind.ADMIN, Set.of());
  /** Owns the acme namespace. */
  static final Principal ALICE = new Principal("alice", Principal.Kind.USER, Set.of());
  /** May pull acme/app, nothing else. */
  static final Principal BOB = new Principal("bob", Principal.Kind.USER, Set.of());
  static final WebhookPermissions PERMISSIONS = (who, scope) -> {
    if (who.equals(ROOT)) {
      return WebhookPermissions.Access.MANAGE;
    }
    boolean acme = scope.kind() != Scope.Kind.GLOBAL
        && (scope.name().equals("acme") || scope.name().startsWith("acme/"));
    if (who.equals(ALICE) && acme) {
      return WebhookPermissions.Access.MANAGE;
    }
    return who.equals(BOB) && scope.equals(Scope.repository("acme/app"))
        ? WebhookPermissions.Access.SEE : WebhookPermissions.Access.NONE;
  };
  static final Scope APP = Scope.repository("acme/app");
  static final Digest DIGEST = Digest.parse("sha256:" + "cd".repeat(32));

  final TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
  final ObjectMapper json = new ObjectMapper();
  final SecretBox box = new SecretBox("a master key for the webhook tests, 32+ bytes".getBytes());
  final List<AutoCloseable> closing = new ArrayList<>();
  TestDatabase database;
  EventLog events;
  Webhooks webhooks;
  Receiver receiver;

  abstract TestDatabase open() throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    database = open();
    receiver = Receiver.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
    // Null when set-up was skipped (PostgreSQL not configured).
    if (receiver != null) {
      receiver.close();
    }
    if (database != null) {
      database.close();
    }
  }

  static NetworkPolicy loopbackAllowed() {
    return new NetworkPolicy("webhooks.allowed-networks", IpNetwork.parseList("127.0.0.1/32"));
  }

  void start() {
    start(loopbackAllowed(), Duration.ofSeconds(5), Duration.ofHours(1), 8);
  }

  void start(NetworkPolicy policy, Duration timeout, Duration horizon, int concurrency) {
    events = new EventLog(database.db, new JdbcEventStore(json), clock, "test");
    webhooks = new Webhooks(database.db, new JdbcWebhookStore(json), events, box, PERMISSIONS, policy,
        new WebhookSettings(timeout, horizon, Duration.ofHours(24), concurrency, Duration.ofDays(30),
            "https://registry.example.com"), clock, json, "replica-1", () -> Caller.SYSTEM, (outcome, took) -> {});
    events.subscribe(webhooks.subscriber());
    webhooks.start();
    events.start();
    closing.add(events);
    closing.add(webhooks);
  }

  void append(EventType type, String repository, String tag) {
    Event event = Event.of(type, clock.instant(), new Caller("alice", "192.0.2.1", "req-1"),
        repository == null ? null : RepositoryName.of(repository), DIGEST, tag == null ? null : new Tag(tag),
        "application/vnd.oci.image.manifest.v1+json");
    database.db.inTransaction(tx -> {
      events.append(tx, event);
      return null;
    });
  }

  Webhooks.Issued create(Principal who, Scope scope, String path, List<String> types) {
    return webhooks.create(who, scope, receiver.url(path), types, null, null, true);
  }

  JsonNode body(Request request) throws Exception {
    return json.readTree(request.body());
  }

  static boolean path(Request r, String path) {
    return r.path().equals(path);
  }

  List<Request> at(String path) {
    return receiver.requests().stream().filter(r -> path(r, path)).toList();
  }

  /** Waits until the delivery log of the webhook satisfies {@code done}. */
  EventLog.SubscriberStatus relay() {
    return events.subscribers().stream().filter(s -> s.name().equals("webhooks")).findFirst().orElseThrow();
  }

  static void awaitUntil(java.util.function.BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within %s", WAIT).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  Delivery awaitDelivery(long webhook, java.util.function.Predicate<Delivery> done) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      for (Delivery d : webhooks.deliveries(ROOT, webhook, 0, 100)) {
        if (done.test(d)) {
          return d;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no such delivery of webhook " + webhook + ": " + webhooks.deliveries(ROOT, webhook, 0, 100));
  }

  @Test
  void deliversSignedEventsToTheWebhooksWhoseScopeCoversThem() throws Exception {
    start();
    Webhooks.Issued repo = create(ALICE, APP, "/repo", null);
    Webhooks.Issued namespace = webhooks.create(ALICE, Scope.namespace("acme"), receiver.url("/ns"),
        List.of("tag.pushed"), "cloudevents", "all of acme", true);
    create(ROOT, Scope.GLOBAL, "/global-deletions", List.of("tag.deleted"));
    create(ROOT, Scope.repository("other/app"), "/other", null);
    webhooks.create(ALICE, APP, receiver.url("/off"), null, null, null, false);

    append(EventType.TAG_PUSHED, "acme/app", "v1");
    Request toRepo = receiver.await(r -> path(r, "/repo"), WAIT);
    Request toNamespace = receiver.await(r -> path(r, "/ns"), WAIT);

    assertThat(Receiver.verify(toRepo, List.of(repo.secret(), namespace.secret()))).containsExactly(repo.secret());
    assertThat(Receiver.verify(toNamespace, List.of(repo.secret(), namespace.secret())))
        .containsExactly(namespace.secret());
    assertThat(toRepo.header("content-type")).isEqualTo("application/json");
    assertThat(toRepo.header("user-agent")).startsWith("Portcullis-Webhooks/");
    assertThat(toRepo.header("webhook-timestamp")).isEqualTo(Long.toString(clock.instant().getEpochSecond()));
    JsonNode payload = body(toRepo);
    assertThat(payload.get("version").asInt()).isEqualTo(1);
    assertThat(payload.get("type").asText()).isEqualTo("tag.pushed");
    assertThat(payload.get("id").asText()).isEqualTo(toRepo.header("webhook-id")).startsWith("evt_");
    assertThat(payload.get("repository").asText()).isEqualTo("acme/app");
    assertThat(payload.get("tag").asText()).isEqualTo("v1");
    assertThat(payload.get("digest").asText()).isEqualTo(DIGEST.toString());
    assertThat(payload.get("actor").asText()).isEqualTo("alice");
    assertThat(toNamespace.header("content-type")).isEqualTo("application/cloudevents+json");
    JsonNode cloudEvent = body(toNamespace);
    assertThat(cloudEvent.get("type").asText()).isEqualTo("io.portcullis.tag.pushed");
    assertThat(cloudEvent.get("data")).isEqualTo(payload);

    append(EventType.TAG_PUSHED, "other/thing", "v1");
    append(EventType.SCAN_FAILED, "acme/app", null);
    receiver.await(r -> path(r, "/repo") && r.text().contains("scan.failed"), WAIT);
    Thread.sleep(1_500);
    assertThat(at("/global-deletions")).isEmpty();
    assertThat(at("/other")).isEmpty();
    assertThat(at("/off")).isEmpty();
    assertThat(at("/ns")).as("it wants tag.pushed only").hasSize(1);

    Delivery logged = awaitDelivery(repo.webhook().id(), d -> d.type().equals("tag.pushed")
        && d.state() == Delivery.State.SUCCEEDED);
    assertThat(logged.attempts()).isEqualTo(1);
    assertThat(logged.responseStatus()).isEqualTo(204);
    assertThat(logged.requestBody()).isEqualTo(toRepo.text());
    assertThat(logged.requestHeaders()).containsEntry("webhook-id", toRepo.header("webhook-id"))
        .containsEntry("webhook-signature", toRepo.header("webhook-signature"))
        .containsEntry("Host", "127.0.0.1:" + receiver.url("").replaceAll(".*:", ""));
    assertThat(logged.error()).isNull();
    assertThat(webhooks.get(ALICE, repo.webhook().id()).lastSuccessAt()).isEqualTo(clock.instant());
  }

  @Test
  void retriesAndKeepsTheOrderOfEachRepository() throws Exception {
    start();
    long id = create(ALICE, Scope.namespace("acme"), "/in", null).webhook().id();
    AtomicInteger refusals = new AtomicInteger(2);
    receiver.answer(r -> r.text().contains("\"tag\":\"first\"") && refusals.getAndDecrement() > 0
        ? Answer.status(503) : Answer.OK);
    append(EventType.TAG_PUSHED, "acme/app", "first");
    append(EventType.TAG_PUSHED, "acme/app", "second");
    append(EventType.TAG_PUSHED, "acme/other", "elsewhere");
    receiver.await(r -> r.text().contains("elsewhere"), WAIT);
    for (int attempts = 1; attempts <= 2; attempts++) {
      int failed = attempts;
      // The failure is recorded before the clock moves, or its retry would be scheduled past the move.
      awaitDelivery(id, d -> d.attempts() == failed && d.state() == Delivery.State.PENDING);
      clock.advance(Duration.ofSeconds(3));
    }
    receiver.await(r -> r.text().contains("\"tag\":\"second\""), WAIT);

    List<String> appRequests = receiver.requests().stream().filter(r -> r.text().contains("acme/app"))
        .map(r -> r.text().contains("first") ? "first" : "second").toList();
    assertThat(appRequests).containsExactly("first", "first", "first", "second");
    Delivery first = awaitDelivery(id, d -> d.attempts() == 3);
    assertThat(first.state()).isEqualTo(Delivery.State.SUCCEEDED);
    assertThat(webhooks.get(ROOT, id).consecutiveFailures()).isZero();
  }

  @Test
  void givesUpAtTheHorizonAndDisablesAWebhookThatFailedThroughout() throws Exception {
    start();
    long failing = create(ALICE, APP, "/failing", null).webhook().id();
    create(ROOT, Scope.GLOBAL, "/watch", List.of("webhook.disabled"));
    receiver.answer(r -> path(r, "/failing") ? Answer.status(500) : Answer.OK);
    append(EventType.TAG_PUSHED, "acme/app", "v1");
    awaitDelivery(failing, d -> d.attempts() == 1);
    Webhook afterOne = webhooks.get(ALICE, failing);
    assertThat(afterOne.enabled()).isTrue();
    assertThat(afterOne.consecutiveFailures()).isEqualTo(1);
    assertThat(afterOne.failingSince()).isEqualTo(clock.instant());

    clock.advance(Duration.ofMinutes(61));
    Delivery gaveUp = awaitDelivery(failing, d -> d.state() == Delivery.State.FAILED);
    assertThat(gaveUp.attempts()).isEqualTo(2);
    assertThat(gaveUp.error()).isEqualTo("HTTP 500");
    Webhook disabled = webhooks.get(ALICE, failing);
    assertThat(disabled.enabled()).isFalse();
    assertThat(disabled.disabledReason()).startsWith("every attempt failed for PT1H");

    Request notice = receiver.await(r -> path(r, "/watch"), WAIT);
    JsonNode payload = body(notice);
    assertThat(payload.get("type").asText()).isEqualTo("webhook.disabled");
    assertThat(payload.get("repository").asText()).isEqualTo("acme/app");
    assertThat(payload.get("detail").get("reason").asText()).startsWith("every attempt failed");
    assertThat(payload.get("detail").get("webhook").asText()).isEqualTo(Long.toString(failing));
    assertThat(events.search(new EventQuery(0, 10, null, null, EventType.WEBHOOK_DISABLED, null, null)))
        .singleElement().satisfies(e -> assertThat(e.target()).isEqualTo("webhook " + failing));

    append(EventType.TAG_PUSHED, "acme/app", "v2");
    Thread.sleep(1_500);
    assertThat(at("/failing")).as("a disabled webhook gets nothing").hasSize(2);
    Webhook enabled = webhooks.update(ALICE, failing, new Webhooks.Change(null, false, null, null, false, null, true));
    assertThat(enabled.enabled()).isTrue();
    assertThat(enabled.disabledReason()).isNull();
    assertThat(enabled.consecutiveFailures()).isZero();
  }

  @Test
  void aReceiverAnswering410IsDisabledAtOnce() throws Exception {
    start();
    long id = create(ALICE, APP, "/gone", null).webhook().id();
    receiver.answer(r -> Answer.status(410));
    append(EventType.TAG_PUSHED, "acme/app", "v1");
    Delivery delivery = awaitDelivery(id, d -> d.state() == Delivery.State.FAILED);
    assertThat(delivery.attempts()).isEqualTo(1);
    assertThat(delivery.error()).contains("410 Gone");
    assertThat(webhooks.get(ALICE, id).disabledReason()).isEqualTo("the receiver answered 410 Gone");
  }

  @Test
  void neverFollowsARedirectToARefusedAddress() throws Exception {
    start();
    try (Receiver elsewhere = Receiver.start("127.0.0.2")) {
      long id = create(ALICE, APP, "/moved", null).webhook().id();
      receiver.answer(r -> Answer.redirect(elsewhere.url("/stolen")));
      append(EventType.TAG_PUSHED, "acme/app", "v1");
      Delivery delivery = awaitDelivery(id, d -> d.attempts() == 1);
      assertThat(delivery.state()).isEqualTo(Delivery.State.PENDING);
      assertThat(delivery.responseStatus()).isEqualTo(302);
      assertThat(delivery.error()).isEqualTo("HTTP 302: redirect to " + elsewhere.url("/stolen")
          + " not followed (webhooks never follow redirects; change the URL)");
      Thread.sleep(500);
      assertThat(elsewhere.requests()).isEmpty();
      assertThatThrownBy(() -> webhooks.update(ALICE, id, new Webhooks.Change(elsewhere.url("/stolen"), false, null,
          null, false, null, null))).hasMessageContaining("127.0.0.2, a loopback address outside webhooks.allowed-networks");
    }
  }

  @Test
  void checksTheAddressAgainWhenSendingSoARebindingNameIsRefused() throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    String port = receiver.url("").replaceAll(".*:", "");
    start(new NetworkPolicy("webhooks.allowed-networks", IpNetwork.parseList("127.0.0.1/32"), host -> {
      if (!host.equals("hooks.test")) {
        throw new UnknownHostException(host);
      }
      return new InetAddress[] {InetAddress.getByName(lookups.getAndIncrement() == 0 ? "127.0.0.1" : "10.0.0.1")};
    }), Duration.ofSeconds(5), Duration.ofHours(1), 4);
    long id = webhooks.create(ALICE, APP, "http://hooks.test:" + port + "/in", null, null, null, true).webhook().id();
    append(EventType.TAG_PUSHED, "acme/app", "v1");
    Delivery delivery = awaitDelivery(id, d -> d.attempts() == 1);
    assertThat(delivery.error()).isEqualTo("refused: hooks.test resolves to 10.0.0.1, a private address outside "
        + "webhooks.allowed-networks");
    assertThat(delivery.responseStatus()).isNull();
    assertThat(receiver.requests()).isEmpty();
  }

  @Test
  void withoutAnAllowlistLoopbackAndMetadataTargetsAreRefused() {
    start(new NetworkPolicy("webhooks.allowed-networks", List.of()), Duration.ofSeconds(5), Duration.ofHours(1), 4);
    assertThatThrownBy(() -> webhooks.create(ROOT, Scope.GLOBAL, receiver.url("/in"), null, null, null, true))
        .isInstanceOf(WebhookException.class)
        .hasMessage("url refused: 127.0.0.1, a loopback address outside webhooks.allowed-networks")
        .satisfies(e -> assertThat(((WebhookException) e).reason()).isEqualTo(Reason.INVALID));
    assertThatThrownBy(() -> webhooks.create(ROOT, Scope.GLOBAL, "http://localhost:9/in", null, null, null, true))
        .hasMessageContaining("localhost resolves to").hasMessageContaining("loopback");
    assertThatThrownBy(() -> webhooks.create(ROOT, Scope.GLOBAL, "http://169.254.169.254/latest/meta-data", null,
        null, null, true)).hasMessageContaining("a metadata address");
    assertThatThrownBy(() -> webhooks.create(ROOT, Scope.GLOBAL, "http://[fd00:ec2::254]/", null, null, null,
        true)).hasMessageContaining("a metadata address");
    assertThatThrownBy(() -> webhooks.create(ROOT, Scope.GLOBAL, "http://10.1.2.3/", null, null, null, true))
        .hasMessageContaining("a private address");
  }

  @Test
  void refusesInvalidSettingsPrecisely() {
    start();
    assertThatThrownBy(() -> webhooks.create(ROOT, APP, receiver.url("/"), List.of("tag.pushed", "user.created"), null,
        null, true)).hasMessageStartingWith("'user.created' is not an event type webhooks receive");
    assertThatThrownBy(() -> webhooks.create(ROOT, APP, receiver.url("/"), List.of("tag.exploded"), null, null, true))
        .hasMessageStartingWith("'tag.exploded' is not an event type");
    assertThatThrownBy(() -> webhooks.create(ROOT, APP, receiver.url("/"), List.of(), null, null, true))
        .hasMessageContaining("at least one event type");
    assertThatThrownBy(() -> webhooks.create(ROOT, APP, receiver.url("/"), null, "xml", null, true))
        .hasMessageContaining("portcullis or cloudevents");
    assertThatThrownBy(() -> webhooks.create(ROOT, APP, receiver.url("/"), null, null, "x".repeat(1001), true))
        .hasMessageContaining("longer than 1000");
    assertThatThrownBy(() -> webhooks.create(ROOT, APP, "gopher://example.com/", null, null, null, true))
        .hasMessageContaining("http:// or https://");
    assertThatThrownBy(() -> Scope.namespace("Acme/Team")).hasMessageContaining("invalid namespace");
    assertThatThrownBy(() -> Scope.repository("UPPER/case")).hasMessageContaining("invalid repository name");
    assertThatThrownBy(() -> webhooks.rotate(ROOT, create(ROOT, APP, "/r", null).webhook().id(), Duration.ofDays(8)))
        .hasMessageContaining("overlap must be between PT0S and PT168H");

    JdbcWebhookStore store = new JdbcWebhookStore(json);
    Scope full = Scope.repository("acme/full");
    database.db.inTransaction(tx -> {
      for (int i = 0; i < Webhooks.MAX_PER_SCOPE; i++) {
        store.insert(tx, new WebhookStore.NewWebhook(full, new WebhookStore.Settings(receiver.url("/"), null,
            PayloadFormat.PORTCULLIS, null), null, "root"), clock.millis());
      }
      return null;
    });
    assertThatThrownBy(() -> webhooks.create(ROOT, full, receiver.url("/"), null, null, null, true))
        .hasMessageContaining("already has 1000 webhooks")
        .satisfies(e -> assertThat(((WebhookException) e).reason()).isEqualTo(Reason.CONFLICT));
  }

  @Test
  void onlyThoseWhoManageAScopeReachItsWebhooks() {
    start();
    long global = create(ROOT, Scope.GLOBAL, "/g", null).webhook().id();
    long app = create(ALICE, APP, "/a", null).webhook().id();
    assertThat(reason(() -> webhooks.list(Principal.anonymous(), APP))).isEqualTo(Reason.FORBIDDEN);
    assertThat(reason(() -> webhooks.list(BOB, APP))).as("sees the repository, may not manage").isEqualTo(Reason.FORBIDDEN);
    assertThat(reason(() -> webhooks.list(BOB, Scope.repository("acme/secret")))).isEqualTo(Reason.NOT_FOUND);
    assertThat(reason(() -> webhooks.list(ALICE, Scope.GLOBAL))).isEqualTo(Reason.FORBIDDEN);
    assertThat(reason(() -> webhooks.create(ALICE, Scope.namespace("other"), receiver.url("/"), null, null,
        null, true))).isEqualTo(Reason.FORBIDDEN);
    assertThat(reason(() -> webhooks.get(ALICE, global))).as("by id, others' webhooks do not exist")
        .isEqualTo(Reason.NOT_FOUND);
    assertThat(reason(() -> webhooks.delete(BOB, app))).isEqualTo(Reason.NOT_FOUND);
    assertThat(reason(() -> webhooks.get(ROOT, 999_999))).isEqualTo(Reason.NOT_FOUND);
    assertThat(webhooks.list(ALICE, APP)).extracting(Webhook::id).containsExactly(app);
    assertThat(webhooks.list(ROOT, Scope.GLOBAL)).extracting(Webhook::id).containsExactly(global);
    webhooks.delete(ALICE, app);
    assertThat(webhooks.list(ALICE, APP)).isEmpty();
    assertThat(events.search(new EventQuery(0, 10, RepositoryName.of("acme/app"), null, null, null, null)))
        .extracting(e -> e.type().wireName()).containsExactly("webhook.deleted", "webhook.created");
  }

  static Reason reason(Runnable call) {
    try {
      call.run();
    } catch (WebhookException e) {
      return e.reason();
    }
    throw new AssertionError("not refused");
  }

  @Test
  void aRotationSignsWithBothSecretsUntilTheOverlapEnds() throws Exception {
    start();
    Webhooks.Issued issued = create(ALICE, APP, "/in", null);
    Webhooks.Issued rotated = webhooks.rotate(ALICE, issued.webhook().id(), Duration.ofHours(1));
    assertThat(rotated.secret()).startsWith("whsec_").isNotEqualTo(issued.secret());
    assertThat(rotated.webhook().previousSecretExpiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
    append(EventType.TAG_PUSHED, "acme/app", "v1");
    Request during = receiver.await(r -> r.text().contains("\"v1\""), WAIT);
    assertThat(during.header("webhook-signature").split(" ")).hasSize(2);
    assertThat(Receiver.verify(during, List.of(rotated.secret(), issued.secret())))
        .containsExactly(rotated.secret(), issued.secret());

    clock.advance(Duration.ofMinutes(61));
    append(EventType.TAG_PUSHED, "acme/app", "v2");
    Request after = receiver.await(r -> r.text().contains("\"v2\""), WAIT);
    assertThat(after.header("webhook-signature").split(" ")).hasSize(1);
    assertThat(Receiver.verify(after, List.of(rotated.secret(), issued.secret()))).containsExactly(rotated.secret());
  }

  @Test
  void pingsOnceAndRedeliversWithTheSameMessageId() throws Exception {
    start();
    long id = create(ALICE, APP, "/in", null).webhook().id();
    Delivery ping = webhooks.ping(ALICE, id);
    assertThat(ping.type()).isEqualTo("webhook.ping");
    assertThat(ping.state()).isEqualTo(Delivery.State.PENDING);
    Request pinged = receiver.await(r -> r.text().contains("webhook.ping"), WAIT);
    assertThat(pinged.header("webhook-id")).isEqualTo("ping_" + ping.id());
    assertThat(awaitDelivery(id, d -> d.id() == ping.id() && d.state() == Delivery.State.SUCCEEDED).attempts()).isEqualTo(1);

    receiver.answer(r -> Answer.status(500));
    Delivery failedPing = webhooks.ping(ALICE, id);
    Delivery failed = awaitDelivery(id, d -> d.id() == failedPing.id() && d.state() == Delivery.State.FAILED);
    assertThat(failed.attempts()).as("a ping is tried once").isEqualTo(1);
    assertThat(webhooks.get(ALICE, id).consecutiveFailures()).as("pings do not count against the webhook").isZero();

    receiver.answer(r -> Answer.OK);
    append(EventType.TAG_PUSHED, "acme/app", "v1");
    Request original = receiver.await(r -> r.text().contains("tag.pushed"), WAIT);
    Delivery delivered = awaitDelivery(id, d -> d.type().equals("tag.pushed") && d.state() == Delivery.State.SUCCEEDED);
    Delivery again = webhooks.redeliver(ALICE, id, delivered.id());
    assertThat(again.redeliveryOf()).isEqualTo(delivered.id());
    assertThat(again.eventId()).isEqualTo(delivered.eventId());
    receiver.awaitCount(4, WAIT);
    Request repeated = receiver.requests().getLast();
    assertThat(repeated.header("webhook-id")).isEqualTo(original.header("webhook-id"));
    assertThat(repeated.text()).isEqualTo(original.text());
    awaitDelivery(id, d -> d.id() == again.id() && d.state() == Delivery.State.SUCCEEDED);

    receiver.answer(r -> Answer.status(500));
    append(EventType.TAG_PUSHED, "acme/app", "v2");
    Delivery pending = awaitDelivery(id, d -> d.attempts() == 1 && d.state() == Delivery.State.PENDING);
    assertThat(reason(() -> webhooks.redeliver(ALICE, id, pending.id()))).isEqualTo(Reason.CONFLICT);

    receiver.answer(r -> Answer.OK);
    Delivery pingAgain = webhooks.redeliver(ALICE, id, ping.id());
    Delivery pingThird = webhooks.redeliver(ALICE, id, awaitDelivery(id, d -> d.id() == pingAgain.id()
        && d.state() == Delivery.State.SUCCEEDED).id());
    assertThat(pingThird.redeliveryOf()).as("a redelivery of a redelivery repeats the first").isEqualTo(ping.id());
    awaitDelivery(id, d -> d.id() == pingThird.id() && d.state() == Delivery.State.SUCCEEDED);
    assertThat(receiver.requests().stream().filter(r -> r.text().contains("webhook.ping"))
        .map(r -> r.header("webhook-id"))).containsOnly("ping_" + ping.id(), "ping_" + failedPing.id())
        .filteredOn(("ping_" + ping.id())::equals).hasSize(3);
  }

  @Test
  void aHangingReceiverTimesOutWithoutHoldingUpTheOthers() throws Exception {
    start(loopbackAllowed(), Duration.ofMillis(300), Duration.ofHours(1), 2);
    long hanging = create(ALICE, Scope.namespace("acme"), "/hang", null).webhook().id();
    create(ALICE, Scope.namespace("acme"), "/ok", null);
    receiver.answer(r -> path(r, "/hang") ? Answer.HANG : Answer.OK);
    for (int i = 0; i < 6; i++) {
      append(EventType.TAG_PUSHED, "acme/r" + i, "v1");
    }
    long started = System.nanoTime();
    for (int i = 0; i < 6; i++) {
      String repository = "acme/r" + i;
      receiver.await(r -> path(r, "/ok") && r.text().contains(repository), WAIT);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    Delivery timedOut = awaitDelivery(hanging, d -> d.attempts() == 1 && d.error() != null);
    assertThat(timedOut.error()).isEqualTo("no answer within 300 ms");
    assertThat(timedOut.durationMillis()).isBetween(250L, 5_000L);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (webhooks.inFlight() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(webhooks.inFlight()).as("no sender is left hanging").isZero();
  }

  @Test
  void pullsAreQueuedOnlyWhileAWebhookWantsThem() throws Exception {
    start();
    long pushes = create(ALICE, APP, "/pushes", List.of("tag.pushed")).webhook().id();
    events.appendRead(Event.of(EventType.MANIFEST_PULLED, clock.instant(), Caller.SYSTEM, RepositoryName.of("acme/app"),
        DIGEST, null, null));
    append(EventType.TAG_PUSHED, "acme/app", "v1");
    receiver.await(r -> path(r, "/pushes"), WAIT);
    // The pull reaches the log in the next batched append; once it is there and the relay has caught
    // up, only the push went through the webhooks subscriber.
    awaitUntil(() -> events.search(new EventQuery(0, 10, null, null, EventType.MANIFEST_PULLED, null, null)).size() == 1
        && relay().pending() == 0 && relay().delivered() >= 1);
    assertThat(relay().delivered()).as("the pull was not queued for webhooks").isEqualTo(1);

    webhooks.update(ALICE, pushes, new Webhooks.Change(null, true, List.of("tag.pushed", "manifest.pulled"), null, false,
        null, null));
    events.appendRead(Event.of(EventType.MANIFEST_PULLED, clock.instant(), Caller.SYSTEM, RepositoryName.of("acme/app"),
        DIGEST, null, null));
    assertThat(body(receiver.await(r -> r.text().contains("manifest.pulled"), WAIT)).get("repository").asText())
        .isEqualTo("acme/app");
  }

  @Test
  void purgesFinishedDeliveriesPastTheRetention() throws Exception {
    start();
    long id = create(ALICE, APP, "/in", null).webhook().id();
    append(EventType.TAG_PUSHED, "acme/app", "v1");
    awaitDelivery(id, d -> d.state() == Delivery.State.SUCCEEDED);
    assertThat(webhooks.purge()).isZero();
    clock.advance(Duration.ofDays(31));
    assertThat(webhooks.purge()).isEqualTo(1);
    assertThat(webhooks.deliveries(ALICE, id, 0, 10)).isEmpty();
    assertThat(webhooks.backlog()).isEqualTo(new WebhookStore.Backlog(0, 0));
  }
}
