package io.portcullis.jobs;

import io.portcullis.metadata.Database;
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
import org.jdbi.v3.core.Handle;

/**
 * The persistent job queue. Claiming takes a lease, so on PostgreSQL several replicas share one
 * queue and each job runs once at a time; a job whose lease runs out (its runner died) is claimed
 * again. Callers may wait for a job to finish ({@link #awaitFinished}); they are woken when this
 * replica's runner records an outcome.
 */
public final class JobQueue {
  private static final String COLUMNS = "id, kind, subject, payload, state, attempts, progress_done, progress_total, "
      + "message, created_at, started_at, finished_at";

  private final Database db;
  private final Clock clock;
  /** Bumped after each recorded outcome; a waiter that saw an older count re-reads its job. */
  private final AtomicLong outcomes = new AtomicLong();
  private final ReentrantLock outcomeLock = new ReentrantLock();
  private final Condition outcomeRecorded = outcomeLock.newCondition();
  private volatile boolean waitsEnded;

  public JobQueue(Database db, Clock clock) {
    this.db = db;
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
    return db.write(h -> enqueue(h, kind, subject, payload, maxAttempts, clock.millis()));
  }

  /** The same inside a caller's transaction, so a job is queued exactly when the change commits. */
  public static long enqueue(io.portcullis.metadata.Tx tx, String kind, String subject, String payload,
      int maxAttempts, long now) {
    return enqueue(tx.handle(), kind, subject, payload, maxAttempts, now);
  }

  public static long enqueue(Handle h, String kind, String subject, String payload, int maxAttempts, long now) {
    // Insert-or-find against the partial unique index: concurrent enqueuers of one subject (two pushes
    // of the same image on two connections) agree on one job instead of one failing on the index. The
    // loop covers the active job finishing between our refused insert and the look-up.
    for (int attempt = 0; attempt < 3; attempt++) {
      // RETURNING, not generated keys: for an ignored insert SQLite's driver reports the connection's
      // previous row id, which would hand the caller some other job.
      Optional<Long> inserted = h.createQuery("INSERT INTO jobs(kind, subject, payload, state, attempts, max_attempts, "
              + "run_after, progress_done, progress_total, created_at) VALUES (?, ?, ?, 'queued', 0, ?, ?, 0, 0, ?) "
              + "ON CONFLICT (kind, subject) WHERE state IN ('queued', 'running') DO NOTHING RETURNING id")
          .bind(0, kind).bind(1, subject).bind(2, payload).bind(3, maxAttempts).bind(4, now).bind(5, now)
          .mapTo(Long.class).findOne();
      if (inserted.isPresent()) {
        return inserted.get();
      }
      Optional<Long> active = h.createQuery(
              "SELECT id FROM jobs WHERE kind = ? AND subject = ? AND state IN ('queued', 'running')")
          .bind(0, kind).bind(1, subject).mapTo(Long.class).findOne();
      if (active.isPresent()) {
        return active.get();
      }
    }
    throw new IllegalStateException("cannot queue job " + kind + " " + subject + ": the active job keeps changing");
  }

  /** Claims the oldest runnable job of the given kinds for {@code leaseMillis}. */
  Optional<Job> claim(List<String> kinds, String owner, long leaseMillis) {
    long now = clock.millis();
    return db.write(h -> {
      // Jobs whose runner died go back to the queue.
      h.createUpdate("UPDATE jobs SET state = 'queued', locked_by = NULL, locked_until = NULL "
          + "WHERE state = 'running' AND locked_until < ?").bind(0, now).execute();
      Optional<Long> id = h.createQuery("SELECT id FROM jobs WHERE state = 'queued' AND run_after <= :now "
              + "AND kind IN (<kinds>) ORDER BY run_after, id LIMIT 1" + db.dialect().forUpdateSkipLocked())
          .bind("now", now).bindList("kinds", kinds).mapTo(Long.class).findOne();
      if (id.isEmpty()) {
        return Optional.<Job>empty();
      }
      h.createUpdate("UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = ?, locked_until = ?, "
              + "started_at = ?, message = NULL WHERE id = ?")
          .bind(0, owner).bind(1, now + leaseMillis).bind(2, now).bind(3, id.get()).execute();
      return find(h, id.get());
    });
  }

  /** Records progress and extends the lease; false when the job is no longer this runner's. */
  boolean progress(long id, String owner, long done, long total, String message, long leaseMillis) {
    long now = clock.millis();
    return db.write(h -> h.createUpdate("UPDATE jobs SET progress_done = ?, progress_total = ?, message = ?, "
            + "locked_until = ? WHERE id = ? AND locked_by = ? AND state = 'running'")
        .bind(0, done).bind(1, total).bind(2, message).bind(3, now + leaseMillis).bind(4, id).bind(5, owner)
        .execute() == 1);
  }

  void succeed(long id, String owner) {
    long now = clock.millis();
    db.write(h -> h.createUpdate("UPDATE jobs SET state = 'succeeded', finished_at = ?, locked_by = NULL, "
            + "locked_until = NULL WHERE id = ? AND locked_by = ?")
        .bind(0, now).bind(1, id).bind(2, owner).execute());
    outcomeRecorded();
  }

  /** Fails the job for good, or queues it again after {@code retryAfterMillis} while attempts remain. */
  void fail(long id, String owner, String reason, boolean permanent, long retryAfterMillis) {
    long now = clock.millis();
    db.write(h -> h.createUpdate("UPDATE jobs SET state = CASE WHEN ? OR attempts >= max_attempts THEN 'failed' "
            + "ELSE 'queued' END, finished_at = CASE WHEN ? OR attempts >= max_attempts THEN ? ELSE NULL END, "
            + "run_after = ?, message = ?, locked_by = NULL, locked_until = NULL WHERE id = ? AND locked_by = ?")
        .bind(0, permanent).bind(1, permanent).bind(2, now).bind(3, now + retryAfterMillis)
        .bind(4, reason.length() > 2000 ? reason.substring(0, 2000) : reason).bind(5, id).bind(6, owner).execute());
    outcomeRecorded();
  }

  public Optional<Job> find(long id) {
    return db.read(h -> find(h, id));
  }

  private static Optional<Job> find(Handle h, long id) {
    return h.createQuery("SELECT " + COLUMNS + " FROM jobs WHERE id = ?").bind(0, id).map(JobQueue::map).findOne();
  }

  /** Newest first, optionally of one kind and/or state, ids below {@code before} (0: from the newest). */
  public List<Job> list(String kind, String state, long before, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM jobs WHERE id < :before");
    if (kind != null) {
      sql.append(" AND kind = :kind");
    }
    if (state != null) {
      sql.append(" AND state = :state");
    }
    sql.append(" ORDER BY id DESC LIMIT :limit");
    return db.read(h -> {
      var query = h.createQuery(sql.toString()).bind("before", before <= 0 ? Long.MAX_VALUE : before).bind("limit", limit);
      if (kind != null) {
        query.bind("kind", kind);
      }
      if (state != null) {
        query.bind("state", state);
      }
      return query.map(JobQueue::map).list();
    });
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
    db.useRead(h -> h.createQuery("SELECT kind, state, COUNT(*), MIN(CASE WHEN state = 'queued' AND run_after <= :now "
            + "THEN run_after END) FROM jobs WHERE state IN ('queued', 'running') GROUP BY kind, state")
        .bind("now", now)
        .map((rs, ctx) -> {
          long oldestDue = rs.getLong(4);
          long waited = rs.wasNull() ? 0 : now - oldestDue;
          return new Depth(rs.getString(1), rs.getString(2), rs.getLong(3), waited);
        })
        .forEach(depth -> depths.put(depth.kind() + ' ' + depth.state(), depth)));
    return List.copyOf(depths.values());
  }

  private static Job map(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws java.sql.SQLException {
    return new Job(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getInt(6),
        rs.getLong(7), rs.getLong(8), rs.getString(9), rs.getLong(10), nullableLong(rs, 11), nullableLong(rs, 12));
  }

  private static Long nullableLong(java.sql.ResultSet rs, int column) throws java.sql.SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }
}
