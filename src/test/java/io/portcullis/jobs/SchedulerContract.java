package io.portcullis.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.auth.TestClock;
import io.portcullis.jobs.jdbc.JdbcJobStore;
import io.portcullis.jobs.jdbc.JdbcScheduleStore;
import io.portcullis.metadata.Database;
import io.portcullis.metadata.DatabaseContract;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Periodic jobs on each database the registry runs on, with one replica and with two. */
abstract class SchedulerContract extends DatabaseContract {
  static final String KIND = "uploads.purge";
  static final Duration HOUR = Duration.ofHours(1);

  final TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
  JobQueue queue;
  final List<Database> replicas = new ArrayList<>();


  @BeforeEach
  void setUp() throws Exception {
    queue = new JobQueue(database.db, new JdbcJobStore(), clock);
  }

  @AfterEach
  void tearDown() throws Exception {
    replicas.forEach(Database::close);
  }

  Scheduler scheduler(Database db) {
    Scheduler scheduler = new Scheduler(db, new JdbcScheduleStore(), new JobQueue(db, new JdbcJobStore(), clock), clock,
        () -> {}, Duration.ofSeconds(5));
    scheduler.register("upload-purge", KIND, HOUR);
    return scheduler;
  }

  /** Runs the queued job of the schedule to completion, as a runner would. */
  void finish(long id) {
    Job job = queue.claim(List.of(KIND), "test-runner", 60_000).orElseThrow();
    assertThat(job.id()).isEqualTo(id);
    queue.succeed(id, "test-runner");
  }

  @Test
  void aDueScheduleQueuesOneJobPerPeriod() {
    Scheduler scheduler = scheduler(database.db);
    assertThat(scheduler.runDue()).as("a new schedule waits one interval").isEmpty();
    clock.advance(Duration.ofMinutes(59));
    assertThat(scheduler.runDue()).isEmpty();

    clock.advance(Duration.ofMinutes(1));
    List<Long> first = scheduler.runDue();
    assertThat(first).hasSize(1);
    assertThat(scheduler.runDue()).as("the period is taken").isEmpty();
    Job job = queue.find(first.getFirst()).orElseThrow();
    assertThat(job.kind()).isEqualTo(KIND);
    assertThat(job.subject()).isEqualTo("upload-purge");
    finish(job.id());

    clock.advance(HOUR);
    List<Long> second = scheduler.runDue();
    assertThat(second).hasSize(1).doesNotContain(first.getFirst());
    assertThat(scheduler.list()).singleElement().satisfies(s -> {
      assertThat(s.kind()).isEqualTo(KIND);
      assertThat(s.interval()).isEqualTo(HOUR);
      assertThat(s.lastRunAt()).isEqualTo(clock.instant());
      assertThat(s.nextRunAt()).isEqualTo(clock.instant().plus(HOUR));
      assertThat(s.lastJobId()).isEqualTo(second.getFirst());
    });

    clock.advance(HOUR);
    assertThat(scheduler.runDue()).as("a period whose previous job is still queued joins it")
        .containsExactlyElementsOf(second);
    assertThat(queue.list(KIND, null, 0, 100)).hasSize(2);
  }

  @Test
  void twoReplicasRunningDueSchedulesAtOnceQueueOneJobPerPeriod() throws Exception {
    Database other = database.connectAgain();
    replicas.add(other);
    List<Scheduler> schedulers = List.of(scheduler(database.db), scheduler(other));
    int callers = 4;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      for (int period = 1; period <= 5; period++) {
        clock.advance(HOUR);
        CyclicBarrier start = new CyclicBarrier(callers);
        List<Future<List<Long>>> results = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
          Scheduler scheduler = schedulers.get(i % 2);
          results.add(pool.submit(() -> {
            start.await(10, TimeUnit.SECONDS);
            return scheduler.runDue();
          }));
        }
        List<Long> queued = new ArrayList<>();
        for (Future<List<Long>> result : results) {
          queued.addAll(result.get(30, TimeUnit.SECONDS));
        }
        assertThat(queued).as("jobs queued in period %d", period).hasSize(1);
        finish(queued.getFirst());
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(queue.list(KIND, null, 0, 100)).hasSize(5);
  }

  @Test
  void theNextRunSurvivesARestart() {
    Scheduler before = scheduler(database.db);
    clock.advance(HOUR);
    finish(before.runDue().getFirst());
    clock.advance(Duration.ofMinutes(30));

    Scheduler after = scheduler(database.db);
    assertThat(after.runDue()).as("registered again half-way through the period").isEmpty();
    clock.advance(Duration.ofMinutes(29));
    assertThat(after.runDue()).isEmpty();
    clock.advance(Duration.ofMinutes(1));
    assertThat(after.runDue()).hasSize(1);
  }

  @Test
  void aChangedIntervalCountsFromTheLastRun() {
    Scheduler scheduler = scheduler(database.db);
    clock.advance(HOUR);
    finish(scheduler.runDue().getFirst());
    clock.advance(Duration.ofMinutes(20));

    scheduler.register("upload-purge", KIND, Duration.ofMinutes(30));
    assertThat(scheduler.runDue()).isEmpty();
    clock.advance(Duration.ofMinutes(10));
    assertThat(scheduler.runDue()).as("30 minutes after the last run").hasSize(1);
    assertThat(scheduler.list().getFirst().interval()).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void aFamilysSchedulesMadeOnOneReplicaRunOnAnotherAndGoWithTheirRow() throws Exception {
    Database other = database.connectAgain();
    replicas.add(other);
    Scheduler making = scheduler(database.db);
    making.runFamily("mirror:");
    Scheduler running = scheduler(other);
    running.runFamily("mirror:");
    database.db.inTransaction(tx -> {
      making.schedule(tx, "mirror:1", "mirror.run", Duration.ofMinutes(15));
      making.schedule(tx, "mirror:2", "mirror.run", Duration.ofMinutes(30));
      return null;
    });
    // Rolled back with the row it belongs to: never stored.
    try {
      database.db.inTransaction(tx -> {
        making.schedule(tx, "mirror:3", "mirror.run", Duration.ofMinutes(15));
        throw new IllegalStateException("the mirror was refused");
      });
    } catch (IllegalStateException expected) {
      // the schedule went with it
    }
    clock.advance(Duration.ofMinutes(15));
    List<Long> queued = running.runDue();
    assertThat(queued).hasSize(1);
    assertThat(queue.find(queued.getFirst()).orElseThrow().subject()).isEqualTo("mirror:1");
    other.inTransaction(tx -> {
      running.unschedule(tx, "mirror:2");
      return null;
    });
    clock.advance(Duration.ofMinutes(15));
    assertThat(making.runDue()).as("mirror:1's first job is still queued: joined, not queued again")
        .containsExactly(queued.getFirst());
    assertThat(making.list()).extracting(Scheduler.Schedule::name).containsExactly("mirror:1", "upload-purge");
    assertThatThrownBy(() -> database.db.inTransaction(tx -> {
      making.schedule(tx, "other:1", "x", Duration.ofMinutes(1));
      return null;
    })).hasMessageContaining("belongs to no family");
  }
}
