package io.portcullis.jobs;

import io.portcullis.metadata.Database;
import io.portcullis.metadata.Tx;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The persistent job queue. Claiming takes a lease, so on PostgreSQL several replicas share one
 * queue and each job runs once at a time; a job whose lease runs out (its runner died) is claimed
 * again. Callers may wait for a job to finish ({@link #awaitFinished}); they are woken when this
 * replica's runner records an outcome.
 */
public final class JobQueue {
  /** Longest failure reason kept. */
  private static final int MAX_REASON = 2000;

  private final Database db;
  private final JobStore store;
  private final Clock clock;
  /** Bumped after each recorded outcome; a waiter that saw an older count re-reads its job. */
  private final AtomicLong outcomes = new AtomicLong();
  private final ReentrantLock outcomeLock = new ReentrantLock();
  private final Condition outcomeRecorded = outcomeLock.newCondition();
  private volatile boolean waitsEnded;

  public JobQueue(Database db, JobStore store, Clock clock) {
    this.db = db;
    this.store = store;
    this.clock = clock;
  }

  /**
   * The job as soon as it has {@linkplain Job#finished finished}, or as it stands when {@code wait} has
   * passed (or the waiting thread is interrupted); empty when there is no such job. Only outcomes
   * recorded by this replica wake the wait early: a job another replica runs is seen finished when the
   * wait ends.
   */
  public Optional<Job> awaitFinished(long id, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      // Read the count before the job: an outcome recorded after the read changes the count, so the
      // wait below cannot miss it.
      long seen = outcomes.get();
      Optional<Job> job = find(id);
      long left = deadline - System.nanoTime();
      if (job.isEmpty() || job.get().finished() || left <= 0 || waitsEnded) {
        return job;
      }
      outcomeLock.lock();
      try {
        while (outcomes.get() == seen && left > 0 && !waitsEnded) {
          left = outcomeRecorded.awaitNanos(left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return find(id);
      } finally {
        outcomeLock.unlock();
      }
    }
  }

  /** Ends every wait at once and makes later ones answer at once: the server is stopping. */
  public void endWaits() {
    waitsEnded = true;
    wakeWaiters();
  }

  private void outcomeRecorded() {
    outcomes.incrementAndGet();
    wakeWaiters();
  }

  private void wakeWaiters() {
    outcomeLock.lock();
    try {
      outcomeRecorded.signalAll();
    } finally {
      outcomeLock.unlock();
    }
  }

  /** Queues a job unless one of the same kind and subject is queued or running; returns its id. */
  public long enqueue(String kind, String subject, String payload, int maxAttempts) {
    return db.inTransaction(tx -> enqueue(tx, kind, subject, payload, maxAttempts));
  }

  /** The same inside a caller's transaction, so a job is queued exactly when the change commits. */
  public long enqueue(Tx tx, String kind, String subject, String payload, int maxAttempts) {
    return store.enqueue(tx, kind, subject, payload, maxAttempts, clock.millis());
  }

  /** Claims the oldest runnable job of the given kinds for {@code leaseMillis}. */
  Optional<Job> claim(List<String> kinds, String owner, long leaseMillis) {
    long now = clock.millis();
    return db.inTransaction(tx -> {
      // Jobs whose runner died go back to the queue.
      store.requeueExpired(tx, now);
      Optional<Long> id = store.lockNextDue(tx, kinds, now);
      if (id.isEmpty()) {
        return Optional.<Job>empty();
      }
      store.start(tx, id.get(), owner, now, now + leaseMillis);
      return store.find(tx, id.get());
    });
  }

  /** Records progress and extends the lease; false when the job is no longer this runner's. */
  boolean progress(long id, String owner, long done, long total, String message, long leaseMillis) {
    long now = clock.millis();
    return db.inTransaction(tx -> store.progress(tx, id, owner, done, total, message, now + leaseMillis));
  }

  void succeed(long id, String owner) {
    long now = clock.millis();
    db.inTransaction(tx -> {
      store.succeed(tx, id, owner, now);
      return null;
    });
    outcomeRecorded();
  }

  /** Fails the job for good, or queues it again after {@code retryAfterMillis} while attempts remain. */
  void fail(long id, String owner, String reason, boolean permanent, long retryAfterMillis) {
    long now = clock.millis();
    String kept = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
    db.inTransaction(tx -> {
      store.fail(tx, id, owner, kept, permanent, now, now + retryAfterMillis);
      return null;
    });
    outcomeRecorded();
  }

  public Optional<Job> find(long id) {
    return db.readOnly(tx -> store.find(tx, id));
  }

  /** Newest first, optionally of one kind and/or state, ids below {@code before} (0: from the newest). */
  public List<Job> list(String kind, String state, long before, int limit) {
    return db.readOnly(tx -> store.list(tx, kind, state, before <= 0 ? Long.MAX_VALUE : before, limit));
  }

  /**
   * Queued and running jobs of one kind. {@code oldestWaitMillis} is how long the longest-waiting
   * queued job has been due to run (0 when none is due): a job waiting out a retry backoff is not
   * late, so it counts in the depth but not in the wait.
   */
  public record Depth(String kind, String state, long jobs, long oldestWaitMillis) {}

  /**
   * Depth per kind and state ({@code queued}, {@code running}); every kind in {@code kinds} appears,
   * with zeros when idle, so a monitored series does not vanish when its queue drains.
   */
  public List<Depth> depthByKind(Collection<String> kinds) {
    long now = clock.millis();
    Map<String, Depth> depths = new TreeMap<>();
    for (String kind : kinds) {
      for (String state : List.of(Job.QUEUED, Job.RUNNING)) {
        depths.put(kind + ' ' + state, new Depth(kind, state, 0, 0));
      }
    }
    db.readOnly(tx -> store.depths(tx, now)).forEach(depth -> depths.put(depth.kind() + ' ' + depth.state(), depth));
    return List.copyOf(depths.values());
  }
}
