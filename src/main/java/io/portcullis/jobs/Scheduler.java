package io.portcullis.jobs;

import io.portcullis.metadata.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic jobs: each schedule queues a job of its kind once per interval, across all replicas, and the
 * job runner runs it (progress, retries and the jobs API come with that).
 *
 * <p>A period is claimed by moving the schedule's next run past now, only while it is due, in the
 * transaction that queues the job ({@link ScheduleStore#claimDue}): of concurrent claimers on any
 * replicas exactly one takes it. That is why there is no lease: a lease holder would have to renew,
 * and its death would hold every schedule up until the lease ran out, while here any live replica
 * runs what is due. Running the job once is the job queue's lease. Replicas' clocks must agree to
 * well within the shortest interval.
 */
public final class Scheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
  /** A failed run is retried a little; the next period runs it again anyway. */
  private static final int MAX_ATTEMPTS = 3;
  private static final long MIN_WAIT_MILLIS = 100;

  /** A schedule as stored; {@code lastRunAt} and {@code lastJobId} are null until it first ran. */
  public record Schedule(String name, String kind, Duration interval, Instant nextRunAt, Instant lastRunAt,
      Long lastJobId) {}

  private final Database db;
  private final ScheduleStore store;
  private final JobQueue jobs;
  private final Clock clock;
  private final Runnable queued;
  private final long pollMillis;
  /** Only schedules registered here are run here: a row left by a replica with other settings is not. */
  private final Map<String, String> registered = new ConcurrentHashMap<>();
  private volatile boolean running;
  private Thread loop;

  /**
   * @param queued told after a job was queued (the local runner, so it need not wait for its poll)
   * @param poll   longest the loop sleeps: another replica's registration may have moved a schedule
   */
  public Scheduler(Database db, ScheduleStore store, JobQueue jobs, Clock clock, Runnable queued, Duration poll) {
    this.db = db;
    this.store = store;
    this.jobs = jobs;
    this.clock = clock;
    this.queued = queued;
    this.pollMillis = poll.toMillis();
  }

  /**
   * Creates or updates the schedule {@code name}. An existing schedule keeps its next run, so restarts
   * do not run it early or push it back; when the interval changed, the next run is the last run plus
   * the new interval (at once when that has passed). A new schedule first runs one interval from now.
   */
  public void register(String name, String kind, Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("schedule " + name + ": the interval must be positive");
    }
    long now = clock.millis();
    long every = interval.toMillis();
    db.inTransaction(tx -> {
      store.register(tx, name, kind, every, now);
      return null;
    });
    registered.put(name, kind);
  }

  /** Deletes a schedule whose feature is switched off, so it no longer shows as due. */
  public void remove(String name) {
    registered.remove(name);
    db.inTransaction(tx -> {
      store.remove(tx, name);
      return null;
    });
  }

  /** Queues a job for every registered schedule that is due; returns the ids of the jobs this call queued. */
  public List<Long> runDue() {
    long now = clock.millis();
    List<Long> ids = new ArrayList<>();
    for (String name : List.copyOf(registered.keySet())) {
      try {
        claim(name, now).ifPresent(ids::add);
      } catch (RuntimeException e) {
        log.warn("schedule {} could not be run; will retry", name, e);
      }
    }
    if (!ids.isEmpty()) {
      queued.run();
    }
    return ids;
  }

  private Optional<Long> claim(String name, long now) {
    return db.inTransaction(tx -> {
      Optional<String> kind = store.claimDue(tx, name, now);
      if (kind.isEmpty()) {
        return Optional.<Long>empty();
      }
      // The schedule's name is the subject: while its previous job is still queued or running, this
      // period joins that job instead of piling another one up.
      long id = jobs.enqueue(tx, kind.get(), name, null, MAX_ATTEMPTS);
      store.recordJob(tx, name, id);
      log.info("schedule {} queued job {}", name, id);
      return Optional.of(id);
    });
  }

  /** Every stored schedule, by name. */
  public List<Schedule> list() {
    return db.readOnly(store::list);
  }

  /** Runs due schedules on a virtual thread until {@link #close}. */
  public void start() {
    running = true;
    loop = Thread.ofVirtual().name("scheduler").start(() -> {
      while (running) {
        runDue();
        try {
          Thread.sleep(untilNextDue());
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  private long untilNextDue() {
    List<String> names = List.copyOf(registered.keySet());
    if (names.isEmpty()) {
      return pollMillis;
    }
    try {
      Optional<Long> next = db.readOnly(tx -> store.nextRunAt(tx, names));
      return next.map(at -> Math.clamp(at - clock.millis(), MIN_WAIT_MILLIS, pollMillis)).orElse(pollMillis);
    } catch (RuntimeException e) {
      log.warn("cannot read the next due schedule; polling", e);
      return pollMillis;
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    if (loop != null) {
      loop.interrupt();
      loop.join(5_000);
    }
  }
}
