package io.portcullis.webhooks.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.auth.TestClock;
import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.jdbc.JdbcEventStore;
import io.portcullis.events.EventType;
import io.portcullis.metadata.Database;
import io.portcullis.metadata.TestDatabase;
import io.portcullis.shared.Caller;
import io.portcullis.shared.RepositoryName;
import io.portcullis.webhooks.Delivery;
import io.portcullis.webhooks.PayloadFormat;
import io.portcullis.webhooks.Webhook;
import io.portcullis.webhooks.WebhookEvents;
import io.portcullis.shared.Scope;
import io.portcullis.webhooks.WebhookStore;
import io.portcullis.webhooks.WebhookStore.Attempt;
import io.portcullis.webhooks.WebhookStore.Claim;
import io.portcullis.webhooks.WebhookStore.NewDelivery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook tables on each database the registry runs on. */
abstract class WebhookStoreContract {
  static final Scope APP = Scope.repository("acme/app");
  static final Scope ACME = Scope.namespace("acme");
  static final WebhookStore.Settings SETTINGS = new WebhookStore.Settings("https://hooks.example.com/in",
      null, PayloadFormat.PORTCULLIS, "ci");

  final TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
  final JdbcWebhookStore store = new JdbcWebhookStore(new ObjectMapper());
  TestDatabase database;
  Database db;
  EventLog events;

  abstract TestDatabase open() throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    database = open();
    db = database.db;
    events = new EventLog(db, new JdbcEventStore(new ObjectMapper()), clock, "test");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (database != null) {
      database.close();
    }
  }

  long now() {
    return clock.millis();
  }

  <T> T read(Database.Work<T, RuntimeException> work) {
    return db.readOnly(work);
  }

  List<Delivery> log(long webhook, long before, int limit) {
    return read(tx -> store.deliveries(tx, webhook, before, limit));
  }

  java.util.Optional<Delivery> delivery(long webhook, long id) {
    return read(tx -> store.findDelivery(tx, webhook, id));
  }

  WebhookStore.Backlog backlog() {
    return read(tx -> store.backlog(tx, now()));
  }

  long webhook(Scope scope) {
    return db.inTransaction(tx -> store.insert(tx, new WebhookStore.NewWebhook(scope, SETTINGS, null, "alice"), now()));
  }

  long event(String repository) {
    Event event = Event.of(EventType.TAG_PUSHED, clock.instant(), Caller.SYSTEM,
        repository == null ? null : RepositoryName.of(repository), null, null, null);
    db.inTransaction(tx -> {
      events.append(tx, event);
      return null;
    });
    return events.search(new io.portcullis.events.EventQuery(0, 1, null, null, null, null, null)).getFirst().id();
  }

  void queue(long webhook, long eventId, String lane) {
    db.inTransaction(tx -> {
      store.insertDeliveries(tx, List.of(new NewDelivery(webhook, eventId, "tag.pushed", lane, null)), now());
      return null;
    });
  }

  List<Claim> claim(String owner, int limit) {
    return db.inTransaction(tx -> store.claim(tx, owner, now(), now() + 60_000, limit));
  }

  boolean finish(String owner, Claim claim, Delivery.State state, long nextAttemptAt) {
    return db.inTransaction(tx -> store.finishAttempt(tx, owner, new Attempt(claim.deliveryId(), state,
        claim.attempts() + 1, now(), now(), nextAttemptAt, state == Delivery.State.PENDING ? null : now(),
        Map.of("webhook-id", "evt_1"), "{}", state == Delivery.State.SUCCEEDED ? 204 : 500, "body", 12,
        state == Delivery.State.SUCCEEDED ? null : "HTTP 500")));
  }

  @Test
  void keepsWebhooksPerScope() {
    long repo = webhook(APP);
    long namespace = webhook(ACME);
    long global = webhook(Scope.GLOBAL);
    db.inTransaction(tx -> {
      long disabled = store.insert(tx, new WebhookStore.NewWebhook(APP, new WebhookStore.Settings("http://h/",
          EnumSet.of(EventType.TAG_PUSHED, EventType.SCAN_FAILED), PayloadFormat.CLOUDEVENTS, null), "created disabled",
          "bob"), now());
      assertThat(store.count(tx, APP)).isEqualTo(2);
      assertThat(store.list(tx, APP)).extracting(Webhook::id).containsExactly(repo, disabled);
      assertThat(store.list(tx, Scope.repository("acme/other"))).isEmpty();
      Webhook d = store.find(tx, disabled).orElseThrow();
      assertThat(d.events()).containsExactlyInAnyOrder(EventType.TAG_PUSHED, EventType.SCAN_FAILED);
      assertThat(d.format()).isEqualTo(PayloadFormat.CLOUDEVENTS);
      assertThat(d.enabled()).isFalse();
      assertThat(d.disabledReason()).isEqualTo("created disabled");
      assertThat(d.disabledAt()).isEqualTo(clock.instant());
      assertThat(d.description()).isNull();

      Webhook w = store.find(tx, repo).orElseThrow();
      assertThat(w.scope()).isEqualTo(APP);
      assertThat(w.url()).isEqualTo("https://hooks.example.com/in");
      assertThat(w.events()).as("null: every type").isNull();
      assertThat(w.enabled()).isTrue();
      assertThat(w.createdBy()).isEqualTo("alice");
      assertThat(w.createdAt()).isEqualTo(clock.instant());
      assertThat(store.find(tx, namespace).orElseThrow().scope()).isEqualTo(ACME);
      assertThat(store.find(tx, global).orElseThrow().scope()).isEqualTo(Scope.GLOBAL);
      return null;
    });
    clock.advance(Duration.ofMinutes(1));
    db.inTransaction(tx -> {
      store.update(tx, repo, new WebhookStore.Settings("https://elsewhere.example/", Set.of(EventType.TAG_DELETED),
          PayloadFormat.CLOUDEVENTS, "changed"), now());
      Webhook w = store.find(tx, repo).orElseThrow();
      assertThat(w.url()).isEqualTo("https://elsewhere.example/");
      assertThat(w.events()).containsExactly(EventType.TAG_DELETED);
      assertThat(w.description()).isEqualTo("changed");
      assertThat(w.updatedAt()).isEqualTo(clock.instant());
      assertThat(w.createdAt()).isBefore(w.updatedAt());
      assertThat(store.delete(tx, repo)).isTrue();
      assertThat(store.delete(tx, repo)).isFalse();
      assertThat(store.find(tx, repo)).isEmpty();
      return null;
    });
  }

  @Test
  void switchingOffKeepsAReasonAndSwitchingOnForgetsTheFailures() {
    long id = webhook(APP);
    db.inTransaction(tx -> {
      store.recordFailure(tx, id, now());
      store.recordFailure(tx, id, now() + 5);
      assertThat(store.setEnabled(tx, id, false, "the receiver answered 410 Gone", now())).isTrue();
      assertThat(store.setEnabled(tx, id, false, "again", now())).as("already off").isFalse();
      Webhook off = store.find(tx, id).orElseThrow();
      assertThat(off.enabled()).isFalse();
      assertThat(off.disabledReason()).isEqualTo("the receiver answered 410 Gone");
      assertThat(off.consecutiveFailures()).isEqualTo(2);
      assertThat(off.failingSince()).isEqualTo(clock.instant());
      assertThat(store.setEnabled(tx, id, true, null, now())).isTrue();
      Webhook on = store.find(tx, id).orElseThrow();
      assertThat(on.enabled()).isTrue();
      assertThat(on.disabledReason()).isNull();
      assertThat(on.disabledAt()).isNull();
      assertThat(on.consecutiveFailures()).isZero();
      assertThat(on.failingSince()).isNull();
      return null;
    });
  }

  @Test
  void aSuccessForgetsOnlyTheFailuresBeforeIt() {
    long id = webhook(APP);
    long t = now();
    db.inTransaction(tx -> {
      store.recordFailure(tx, id, t + 20);
      store.recordFailure(tx, id, t + 10);
      assertThat(store.find(tx, id).orElseThrow().failingSince()).as("the earliest failure").isEqualTo(Instant.ofEpochMilli(t + 10));
      store.recordSuccess(tx, id, t + 5);
      Webhook stillFailing = store.find(tx, id).orElseThrow();
      assertThat(stillFailing.failingSince()).isEqualTo(Instant.ofEpochMilli(t + 10));
      assertThat(stillFailing.consecutiveFailures()).isEqualTo(2);
      assertThat(stillFailing.lastSuccessAt()).isEqualTo(Instant.ofEpochMilli(t + 5));
      store.recordSuccess(tx, id, t + 30);
      Webhook healthy = store.find(tx, id).orElseThrow();
      assertThat(healthy.failingSince()).isNull();
      assertThat(healthy.consecutiveFailures()).isZero();
      assertThat(healthy.lastSuccessAt()).isEqualTo(Instant.ofEpochMilli(t + 30));
      store.recordSuccess(tx, id, t + 25);
      assertThat(store.find(tx, id).orElseThrow().lastSuccessAt()).isEqualTo(Instant.ofEpochMilli(t + 30));
      return null;
    });
  }

  @Test
  void rotatedSecretsSignUntilTheyExpire() {
    long id = webhook(APP);
    long other = webhook(ACME);
    db.inTransaction(tx -> {
      store.replaceSecret(tx, id, new byte[] {1}, now(), now());
      store.replaceSecret(tx, other, new byte[] {9}, now(), now());
      assertThat(store.secrets(tx, List.of(id), now()).get(id)).containsExactly(new byte[] {1});
      store.replaceSecret(tx, id, new byte[] {2}, now(), now() + 60_000);
      assertThat(store.secrets(tx, List.of(id, other), now()))
          .hasEntrySatisfying(id, s -> assertThat(s).containsExactly(new byte[] {2}, new byte[] {1}))
          .hasEntrySatisfying(other, s -> assertThat(s).containsExactly(new byte[] {9}));
      assertThat(store.find(tx, id).orElseThrow().previousSecretExpiresAt()).isEqualTo(clock.instant().plusSeconds(60));
      assertThat(store.secrets(tx, List.of(id), now() + 60_000).get(id)).as("expired").containsExactly(new byte[] {2});
      store.replaceSecret(tx, id, new byte[] {3}, now(), now());
      assertThat(store.secrets(tx, List.of(id), now()).get(id)).as("a zero overlap stops the old one at once")
          .containsExactly(new byte[] {3}, new byte[] {1});
      assertThat(store.secrets(tx, List.of(), now())).isEmpty();
      return null;
    });
  }

  @Test
  void findsTheEnabledWebhooksCoveringEvents() {
    long repo = webhook(APP);
    long namespace = webhook(ACME);
    long global = webhook(Scope.GLOBAL);
    long elsewhere = webhook(Scope.repository("other/app"));
    long off = webhook(APP);
    db.inTransaction(tx -> {
      store.setEnabled(tx, off, false, "off", now());
      assertThat(store.covering(tx, Set.of("acme/app"), Set.of("acme"))).extracting(Webhook::id)
          .containsExactly(repo, namespace, global);
      assertThat(store.covering(tx, Set.of(), Set.of())).extracting(Webhook::id).containsExactly(global);
      assertThat(store.covering(tx, Set.of("other/app", "acme/app"), Set.of())).extracting(Webhook::id)
          .containsExactly(repo, global, elsewhere);
      return null;
    });
  }

  @Test
  void knowsWhetherAnyEnabledWebhookWantsPulls() {
    assertThat(read(store::anyWantsReads)).isFalse();
    long pushes = db.inTransaction(tx -> store.insert(tx, new WebhookStore.NewWebhook(APP, new WebhookStore.Settings(
        "http://h/", EnumSet.of(EventType.TAG_PUSHED, EventType.MANIFEST_DELETED), PayloadFormat.PORTCULLIS, null),
        null, "alice"), now()));
    assertThat(read(store::anyWantsReads)).isFalse();
    long pulls = db.inTransaction(tx -> store.insert(tx, new WebhookStore.NewWebhook(APP, new WebhookStore.Settings(
        "http://h/", EnumSet.of(EventType.TAG_PUSHED, EventType.TAG_PULLED), PayloadFormat.PORTCULLIS, null), null,
        "alice"), now()));
    assertThat(read(store::anyWantsReads)).isTrue();
    db.inTransaction(tx -> store.setEnabled(tx, pulls, false, "off", now()));
    assertThat(read(store::anyWantsReads)).as("a disabled one does not count").isFalse();
    db.inTransaction(tx -> {
      store.update(tx, pushes, new WebhookStore.Settings("http://h/", null, PayloadFormat.PORTCULLIS, null), now());
      return null;
    });
    assertThat(read(store::anyWantsReads)).as("every type includes pulls").isTrue();
  }

  @Test
  void aWebhookGetsEachEventOnceButRedeliveriesAreNew() {
    long id = webhook(APP);
    long e1 = event("acme/app");
    queue(id, e1, "acme/app");
    queue(id, e1, "acme/app");
    List<Delivery> log = read(tx -> store.deliveries(tx, id, 0, 10));
    assertThat(log).singleElement().satisfies(d -> {
      assertThat(d.eventId()).isEqualTo(e1);
      assertThat(d.state()).isEqualTo(Delivery.State.PENDING);
      assertThat(d.attempts()).isZero();
      assertThat(d.requestHeaders()).isEmpty();
      assertThat(d.redeliveryOf()).isNull();
    });
    long again = db.inTransaction(tx -> store.insertDelivery(tx, new NewDelivery(id, e1, "tag.pushed", "acme/app",
        log.getFirst().id()), now()));
    long ping = db.inTransaction(tx -> store.insertDelivery(tx, new NewDelivery(id, null, WebhookEvents.PING, "#ping",
        null), now()));
    assertThat(log(id, 0, 10)).extracting(Delivery::id)
        .containsExactly(ping, again, log.getFirst().id());
    assertThat(log(id, ping, 1)).extracting(Delivery::id).containsExactly(again);
    assertThat(read(tx -> store.findDelivery(tx, id, again)).orElseThrow().redeliveryOf())
        .isEqualTo(log.getFirst().id());
    long otherWebhook = webhook(APP);
    assertThat(delivery(otherWebhook, again)).as("another webhook's").isEmpty();
  }

  @Test
  void onlyTheOldestPendingDeliveryOfALaneIsClaimed() {
    long id = webhook(APP);
    long second = webhook(APP);
    long a1 = event("acme/app");
    long b1 = event("acme/b");
    long a2 = event("acme/app");
    queue(id, a1, "acme/app");
    queue(id, b1, "acme/b");
    queue(id, a2, "acme/app");
    queue(second, a1, "acme/app");

    List<Claim> first = claim("one", 10);
    assertThat(first).extracting(Claim::eventId).containsExactlyInAnyOrder(a1, b1, a1);
    assertThat(first).allSatisfy(c -> {
      assertThat(c.url()).isEqualTo("https://hooks.example.com/in");
      assertThat(c.attempts()).isZero();
      assertThat(c.firstAttemptAt()).isNull();
    });
    assertThat(claim("two", 10)).as("held, and a2 waits behind a1").isEmpty();

    Claim headOfA = first.stream().filter(c -> c.webhookId() == id && c.eventId() == a1).findFirst().orElseThrow();
    assertThat(finish("two", headOfA, Delivery.State.SUCCEEDED, now())).as("not two's lease").isFalse();
    assertThat(finish("one", headOfA, Delivery.State.PENDING, now() + 5_000)).isTrue();
    assertThat(claim("two", 10)).as("a1 failed and waits; a2 still behind it").isEmpty();

    clock.advance(Duration.ofSeconds(5));
    List<Claim> retry = claim("two", 10);
    assertThat(retry).singleElement().satisfies(c -> {
      assertThat(c.eventId()).isEqualTo(a1);
      assertThat(c.attempts()).isEqualTo(1);
      assertThat(c.firstAttemptAt()).isEqualTo(now() - 5_000);
    });
    assertThat(finish("two", retry.getFirst(), Delivery.State.SUCCEEDED, now())).isTrue();
    assertThat(claim("three", 10)).extracting(Claim::eventId).containsExactly(a2);

    Delivery done = read(tx -> store.findDelivery(tx, id, headOfA.deliveryId())).orElseThrow();
    assertThat(done.state()).isEqualTo(Delivery.State.SUCCEEDED);
    assertThat(done.attempts()).isEqualTo(2);
    assertThat(done.responseStatus()).isEqualTo(204);
    assertThat(done.responseBody()).isEqualTo("body");
    assertThat(done.requestHeaders()).containsEntry("webhook-id", "evt_1");
    assertThat(done.requestBody()).isEqualTo("{}");
    assertThat(done.durationMillis()).isEqualTo(12);
    assertThat(done.error()).isNull();
    assertThat(done.finishedAt()).isEqualTo(clock.instant());
  }

  @Test
  void aLeaseThatRanOutIsClaimedAgain() {
    long id = webhook(APP);
    queue(id, event("acme/app"), "acme/app");
    Claim first = claim("dead", 1).getFirst();
    clock.advance(Duration.ofSeconds(61));
    Claim again = claim("alive", 1).getFirst();
    assertThat(again.deliveryId()).isEqualTo(first.deliveryId());
    assertThat(finish("dead", first, Delivery.State.SUCCEEDED, now())).as("the dead sender's outcome is refused").isFalse();
    assertThat(finish("alive", again, Delivery.State.SUCCEEDED, now())).isTrue();
  }

  @Test
  void disabledWebhooksAreNotSentToExceptPings() {
    assertThat(backlog()).isEqualTo(new WebhookStore.Backlog(0, 0));
    long id = webhook(APP);
    queue(id, event("acme/app"), "acme/app");
    long ping = db.inTransaction(tx -> {
      store.setEnabled(tx, id, false, "off", now());
      return store.insertDelivery(tx, new NewDelivery(id, null, WebhookEvents.PING, "#ping", null), now());
    });
    assertThat(claim("one", 10)).extracting(Claim::deliveryId).containsExactly(ping);
    assertThat(backlog()).isEqualTo(new WebhookStore.Backlog(2, 0));
    clock.advance(Duration.ofSeconds(3));
    assertThat(read(tx -> store.backlog(tx, now())).oldestDueMillis()).isEqualTo(3_000);
  }

  @Test
  void concurrentSendersNeverClaimTheSameDelivery() throws Exception {
    long id = webhook(APP);
    for (int i = 0; i < 40; i++) {
      queue(id, event("acme/r" + i), "acme/r" + i);
    }
    List<Database> replicas = List.of(database.connectAgain(), database.connectAgain());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<List<Claim>>> senders = new ArrayList<>();
      for (int s = 0; s < 4; s++) {
        Database replica = replicas.get(s % 2);
        String owner = "sender-" + s;
        senders.add(() -> {
          List<Claim> mine = new ArrayList<>();
          for (int round = 0; round < 10; round++) {
            mine.addAll(replica.inTransaction(tx -> store.claim(tx, owner, now(), now() + 60_000, 3)));
          }
          return mine;
        });
      }
      List<Long> claimed = Collections.synchronizedList(new ArrayList<>());
      for (Future<List<Claim>> f : pool.invokeAll(senders)) {
        f.get().forEach(c -> claimed.add(c.deliveryId()));
      }
      assertThat(new HashSet<>(claimed)).as("no delivery twice").hasSameSizeAs(claimed);
      assertThat(claimed).hasSize(40);
    } finally {
      pool.shutdownNow();
      replicas.forEach(Database::close);
    }
  }

  @Test
  void purgesOldFinishedDeliveriesAndExpiredSecrets() {
    long id = webhook(APP);
    queue(id, event("acme/app"), "acme/app");
    queue(id, event("acme/b"), "acme/b");
    db.inTransaction(tx -> {
      store.replaceSecret(tx, id, new byte[] {1}, now(), now());
      store.replaceSecret(tx, id, new byte[] {2}, now(), now() + 1_000);
      return null;
    });
    List<Claim> claims = claim("one", 10);
    finish("one", claims.getFirst(), Delivery.State.SUCCEEDED, now());
    clock.advance(Duration.ofDays(31));
    int purged = db.inTransaction(tx -> store.purge(tx, now() - Duration.ofDays(30).toMillis(), now()));
    assertThat(purged).isEqualTo(1);
    assertThat(log(id, 0, 10)).singleElement()
        .satisfies(d -> assertThat(d.state()).isEqualTo(Delivery.State.PENDING));
    assertThat(read(tx -> store.secrets(tx, List.of(id), now())).get(id)).containsExactly(new byte[] {2});
    assertThat(read(tx -> store.find(tx, id)).orElseThrow().previousSecretExpiresAt()).as("the expired one is gone")
        .isNull();
  }
}
