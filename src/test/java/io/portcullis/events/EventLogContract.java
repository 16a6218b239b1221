package io.portcullis.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.auth.TestClock;
import io.portcullis.events.jdbc.JdbcEventStore;
import io.portcullis.metadata.DatabaseContract;
import io.portcullis.metadata.Leases;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.Tag;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The event log and its outbox, on each database the registry runs on. */
abstract class EventLogContract extends DatabaseContract {
  static final Caller ALICE = new Caller("alice", "192.0.2.1", "req-1");
  static final RepositoryName REPO = RepositoryName.of("acme/app");
  static final Digest DIGEST = Digest.sha256(new byte[] {1});

  final TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
  final ObjectMapper json = new ObjectMapper();
  final List<EventLog> logs = new ArrayList<>();



  @AfterEach
  void tearDown() throws Exception {
    logs.forEach(EventLog::close);
  }

  EventLog log(Subscriber... subscribers) {
    EventLog log = new EventLog(database.db, new JdbcEventStore(json), clock, "replica-" + logs.size());
    for (Subscriber s : subscribers) {
      log.subscribe(s);
    }
    logs.add(log);
    return log;
  }

  Event pushed(String tag) {
    return Event.of(EventType.TAG_PUSHED, clock.instant(), ALICE, REPO, DIGEST, new Tag(tag), "application/json");
  }

  void append(EventLog log, Event... events) {
    database.db.inTransaction(tx -> {
      for (Event e : events) {
        log.append(tx, e);
      }
      return null;
    });
  }

  /** Collects what it is handed; fails the first {@code failures} batches. */
  static final class Recorder implements Subscriber {
    final BlockingQueue<Event> received = new LinkedBlockingQueue<>();
    final AtomicInteger failuresLeft;
    final String name;

    Recorder(String name, int failures) {
      this.name = name;
      this.failuresLeft = new AtomicInteger(failures);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean wants(EventType type) {
      return type == EventType.TAG_PUSHED || type == EventType.MANIFEST_PULLED;
    }

    @Override
    public void handle(List<Event> events) {
      if (failuresLeft.getAndDecrement() > 0) {
        throw new IllegalStateException("receiver down");
      }
      received.addAll(events);
    }

    List<String> take(int count) throws InterruptedException {
      List<String> tags = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        Event e = received.poll(20, TimeUnit.SECONDS);
        assertThat(e).as("event %d of %d", i + 1, count).isNotNull();
        tags.add(e.tag().value());
      }
      return tags;
    }
  }

  @Test
  void anEventCommitsOrRollsBackWithItsChange() {
    Recorder recorder = new Recorder("r", 0);
    EventLog log = log(recorder);
    try {
      database.db.inTransaction(tx -> {
        log.append(tx, pushed("lost"));
        throw new IllegalStateException("the change failed");
      });
    } catch (IllegalStateException expected) {
      // the change and its event are gone together
    }
    append(log, pushed("kept"));
    List<Event> stored = log.search(new EventQuery(0, 10, null, null, null, null, null));
    assertThat(stored).extracting(e -> e.tag().value()).containsExactly("kept");
    Event kept = stored.getFirst();
    assertThat(kept.caller()).isEqualTo(ALICE);
    assertThat(kept.repository()).isEqualTo(REPO);
    assertThat(kept.digest()).isEqualTo(DIGEST);
    assertThat(log.subscribers()).singleElement().extracting(EventLog.SubscriberStatus::pending).isEqualTo(1L);
    assertThat(log.appendedCounts()).as("counted on commit only").isEqualTo(Map.of(EventType.TAG_PUSHED, 1L));
  }

  @Test
  void subscribersGetEveryEventInOrderAgainAfterAFailure() throws Exception {
    Recorder recorder = new Recorder("r", 1);
    EventLog log = log(recorder);
    append(log, pushed("a"), pushed("b"));
    append(log, pushed("c"));
    log.start();
    assertThat(recorder.take(3)).containsExactly("a", "b", "c");
    append(log, pushed("d"));
    assertThat(recorder.take(1)).containsExactly("d");
    assertThat(recorder.received).isEmpty();
  }

  @Test
  void whatWasNotDeliveredBeforeAStopIsDeliveredAfterTheRestart() throws Exception {
    EventLog before = log(new Recorder("r", 0));
    append(before, pushed("a"));
    before.close();
    Recorder recorder = new Recorder("r", 0);
    EventLog after = log(recorder);
    after.start();
    assertThat(recorder.take(1)).containsExactly("a");
  }

  @Test
  void pullsAreAppendedInBatchesAndDeliveredToo() throws Exception {
    Recorder recorder = new Recorder("r", 0);
    EventLog log = log(recorder);
    log.start();
    for (int i = 0; i < 5; i++) {
      log.appendRead(Event.of(EventType.MANIFEST_PULLED, clock.instant(), ALICE, REPO, DIGEST, new Tag("t" + i), null));
    }
    assertThat(recorder.take(5)).containsExactly("t0", "t1", "t2", "t3", "t4");
    assertThat(log.search(new EventQuery(0, 10, REPO, null, EventType.MANIFEST_PULLED, null, null))).hasSize(5);
  }

  @Test
  void pullsNoSubscriberWantsAreAppendedAndCountedWithoutOutboxRows() throws Exception {
    EventLog log = log(new Subscriber() {
      @Override
      public String name() {
        return "pushes-only";
      }

      @Override
      public boolean wants(EventType type) {
        return type != EventType.MANIFEST_PULLED;
      }

      @Override
      public void handle(List<Event> events) {}
    });
    log.start();
    for (int i = 0; i < 5; i++) {
      log.appendRead(Event.of(EventType.MANIFEST_PULLED, clock.instant(), ALICE, REPO, DIGEST, new Tag("t" + i), null));
    }
    EventQuery pulls = new EventQuery(0, 10, REPO, null, EventType.MANIFEST_PULLED, null, null);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    // Counts move after the commit that makes the rows visible: wait for both.
    while ((log.search(pulls).size() < 5 || log.appendedCounts().getOrDefault(EventType.MANIFEST_PULLED, 0L) < 5)
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(log.search(pulls)).extracting(e -> e.tag().value()).containsExactly("t4", "t3", "t2", "t1", "t0");
    assertThat(log.appendedCounts()).containsEntry(EventType.MANIFEST_PULLED, 5L);
    assertThat(log.subscribers()).allSatisfy(status -> assertThat(status.pending()).isZero());
  }

  @Test
  void theLogIsSearchedByRepositoryActorTypeAndTime() {
    EventLog log = log();
    append(log, pushed("a"));
    clock.advance(Duration.ofHours(1));
    Instant later = clock.instant();
    append(log, Event.change(EventType.USER_CREATED, clock.instant(), new Caller("root", "local", "req-2"), "user bob",
        null, Map.of("source", "local")));
    EventQuery all = new EventQuery(0, 10, null, null, null, null, null);
    assertThat(log.search(all)).extracting(e -> e.type()).containsExactly(EventType.USER_CREATED, EventType.TAG_PUSHED);
    assertThat(log.search(new EventQuery(0, 10, null, "root", null, null, null)))
        .singleElement().satisfies(e -> {
          assertThat(e.target()).isEqualTo("user bob");
          assertThat(e.detail()).containsEntry("source", "local");
        });
    assertThat(log.search(new EventQuery(0, 10, null, null, EventType.TAG_PUSHED, null, null))).hasSize(1);
    assertThat(log.search(new EventQuery(0, 10, REPO, null, null, null, null))).hasSize(1);
    assertThat(log.search(new EventQuery(0, 10, null, null, null, later, null))).hasSize(1)
        .allMatch(e -> e.type() == EventType.USER_CREATED);
    assertThat(log.search(new EventQuery(0, 10, null, null, null, null, later))).hasSize(1)
        .allMatch(e -> e.type() == EventType.TAG_PUSHED);
    long newest = log.search(all).getFirst().id();
    assertThat(log.search(new EventQuery(newest, 10, null, null, null, null, null))).hasSize(1);
  }

  @Test
  void aLeaseHasOneHolderUntilItRunsOut() {
    Leases leases = new Leases(database.db, clock);
    assertThat(leases.acquire("job", "a", Duration.ofSeconds(30))).isTrue();
    assertThat(leases.acquire("job", "b", Duration.ofSeconds(30))).isFalse();
    assertThat(leases.acquire("job", "a", Duration.ofSeconds(30))).as("renewal").isTrue();
    clock.advance(Duration.ofSeconds(31));
    assertThat(leases.acquire("job", "b", Duration.ofSeconds(30))).as("taken over after expiry").isTrue();
    assertThat(leases.acquire("job", "a", Duration.ofSeconds(30))).isFalse();
    leases.release("job", "b");
    assertThat(leases.acquire("job", "a", Duration.ofSeconds(30))).as("free after release").isTrue();
  }
}
