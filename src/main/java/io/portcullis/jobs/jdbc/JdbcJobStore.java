package io.portcullis.jobs.jdbc;

import io.portcullis.jobs.Job;
import io.portcullis.jobs.JobQueue;
import io.portcullis.jobs.JobStore;
import io.portcullis.metadata.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/** The job queue in the {@code jobs} table. */
public final class JdbcJobStore implements JobStore {
  private static final String COLUMNS = "id, kind, subject, payload, state, attempts, progress_done, progress_total, "
      + "message, created_at, started_at, finished_at";

  @Override
  public long enqueue(Tx tx, String kind, String subject, String payload, int maxAttempts, long now) {
    Handle h = tx.handle();
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

  @Override
  public void requeueExpired(Tx tx, long now) {
    tx.handle().createUpdate("UPDATE jobs SET state = 'queued', locked_by = NULL, locked_until = NULL "
        + "WHERE state = 'running' AND locked_until < ?").bind(0, now).execute();
  }

  @Override
  public Optional<Long> lockNextDue(Tx tx, List<String> kinds, long now) {
    return tx.handle().createQuery("SELECT id FROM jobs WHERE state = 'queued' AND run_after <= :now "
            + "AND kind IN (<kinds>) ORDER BY run_after, id LIMIT 1" + tx.dialect().forUpdateSkipLocked())
        .bind("now", now).bindList("kinds", kinds).mapTo(Long.class).findOne();
  }

  @Override
  public void start(Tx tx, long id, String owner, long now, long leaseUntil) {
    tx.handle().createUpdate("UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = ?, "
            + "locked_until = ?, started_at = ?, message = NULL WHERE id = ?")
        .bind(0, owner).bind(1, leaseUntil).bind(2, now).bind(3, id).execute();
  }

  @Override
  public boolean progress(Tx tx, long id, String owner, long done, long total, String message, long leaseUntil) {
    return tx.handle().createUpdate("UPDATE jobs SET progress_done = ?, progress_total = ?, message = ?, "
            + "locked_until = ? WHERE id = ? AND locked_by = ? AND state = 'running'")
        .bind(0, done).bind(1, total).bind(2, message).bind(3, leaseUntil).bind(4, id).bind(5, owner)
        .execute() == 1;
  }

  @Override
  public void succeed(Tx tx, long id, String owner, long now) {
    tx.handle().createUpdate("UPDATE jobs SET state = 'succeeded', finished_at = ?, locked_by = NULL, "
            + "locked_until = NULL WHERE id = ? AND locked_by = ?")
        .bind(0, now).bind(1, id).bind(2, owner).execute();
  }

  @Override
  public void fail(Tx tx, long id, String owner, String reason, boolean permanent, long now, long runAfter) {
    tx.handle().createUpdate("UPDATE jobs SET state = CASE WHEN ? OR attempts >= max_attempts THEN 'failed' "
            + "ELSE 'queued' END, finished_at = CASE WHEN ? OR attempts >= max_attempts THEN ? ELSE NULL END, "
            + "run_after = ?, message = ?, locked_by = NULL, locked_until = NULL WHERE id = ? AND locked_by = ?")
        .bind(0, permanent).bind(1, permanent).bind(2, now).bind(3, runAfter).bind(4, reason).bind(5, id)
        .bind(6, owner).execute();
  }

  @Override
  public Optional<Job> find(Tx tx, long id) {
    return tx.handle().createQuery("SELECT " + COLUMNS + " FROM jobs WHERE id = ?").bind(0, id)
        .map(JdbcJobStore::job).findOne();
  }

  @Override
  public List<Job> list(Tx tx, String kind, String state, long before, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM jobs WHERE id < :before");
    if (kind != null) {
      sql.append(" AND kind = :kind");
    }
    if (state != null) {
      sql.append(" AND state = :state");
    }
    sql.append(" ORDER BY id DESC LIMIT :limit");
    var query = tx.handle().createQuery(sql.toString()).bind("before", before).bind("limit", limit);
    if (kind != null) {
      query.bind("kind", kind);
    }
    if (state != null) {
      query.bind("state", state);
    }
    return query.map(JdbcJobStore::job).list();
  }

  @Override
  public List<JobQueue.Depth> depths(Tx tx, long now) {
    return tx.handle().createQuery("SELECT kind, state, COUNT(*), MIN(CASE WHEN state = 'queued' AND run_after <= :now "
            + "THEN run_after END) FROM jobs WHERE state IN ('queued', 'running') GROUP BY kind, state")
        .bind("now", now)
        .map((rs, ctx) -> {
          long oldestDue = rs.getLong(4);
          long waited = rs.wasNull() ? 0 : now - oldestDue;
          return new JobQueue.Depth(rs.getString(1), rs.getString(2), rs.getLong(3), waited);
        })
        .list();
  }

  private static Job job(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Job(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getInt(6),
        rs.getLong(7), rs.getLong(8), rs.getString(9), rs.getLong(10), nullableLong(rs, 11), nullableLong(rs, 12));
  }

  private static Long nullableLong(ResultSet rs, int column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }
}
