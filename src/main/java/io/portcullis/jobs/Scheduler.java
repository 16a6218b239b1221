package io.portcullis.jobs;

import io.portcullis.metadata.Database;
import io.portcullis.metadata.Tx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
  /** Name prefixes of per-row schedules (one per mirror, say) that every stored row of is run here. */
  private final Set<String> families = ConcurrentHashMap.newKeySet();
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

  /**
   * Runs here every stored schedule whose name starts with {@code prefix}: schedules a domain keeps per
   * row of its own ({@code mirror:12}), created and removed with the row by {@link #schedule} and
   * {@link #unschedule} on any replica, so none needs registering at start.
   */
  public void runFamily(String prefix) {
    if (prefix.isEmpty()) {
      throw new IllegalArgumentException("a schedule family needs a name prefix");
    }
    families.add(prefix);
  }

  /**
   * {@link #register} inside the caller's transaction, for a schedule of a {@linkplain #runFamily
   * family}: it exists exactly when the row it belongs to commits.
   */
  public void schedule(Tx tx, String name, String kind, Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("schedule " + name + ": the interval must be positive");
    }
    if (families.stream().noneMatch(name::startsWith)) {
      throw new IllegalArgumentException("schedule " + name + " belongs to no family this scheduler runs");
    }
    store.register(tx, name, kind, interval.toMillis(), clock.millis());
  }

  /** Deletes a family's schedule inside the caller's transaction. */
  public void unschedule(Tx tx, String name) {
    store.remove(tx, name);
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
    List<String> names;
    try {
      names = names();
    } catch (RuntimeException e) {
      log.warn("cannot read the schedules; will retry", e);
      return ids;
    }
    for (String name : names) {
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

  /** The schedules run here: those registered, and every stored one of a family. */
  private List<String> names() {
    Set<String> names = new TreeSet<>(registered.keySet());
    for (String prefix : families) {
      names.addAll(db.readOnly(tx -> store.names(tx, prefix)));
    }
    return List.copyOf(names);
  }

  private long untilNextDue() {
    try {
      List<String> names = names();
      if (names.isEmpty()) {
        return pollMillis;
      }
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
