package io.portcullis.jobs.jdbc;

import io.portcullis.jobs.ScheduleStore;
import io.portcullis.jobs.Scheduler;
import io.portcullis.metadata.Tx;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The schedules in the {@code schedules} table. A period is claimed by an UPDATE that only matches
 * while the schedule is due: on PostgreSQL a concurrent claimer waits for the row lock and re-checks
 * the condition against the committed row, so it matches nothing; SQLite has one writer.
 */
public final class JdbcScheduleStore implements ScheduleStore {
  @Override
  public void register(Tx tx, String name, String kind, long intervalMillis, long now) {
    tx.handle().createUpdate("INSERT INTO schedules(name, kind, interval_ms, next_run_at) "
            + "VALUES (:name, :kind, :interval, :next) ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, "
            + "interval_ms = excluded.interval_ms, next_run_at = CASE WHEN schedules.interval_ms = excluded.interval_ms "
            + "THEN schedules.next_run_at ELSE COALESCE(schedules.last_run_at + excluded.interval_ms, :now) END")
        .bind("name", name).bind("kind", kind).bind("interval", intervalMillis).bind("next", now + intervalMillis)
        .bind("now", now)
        .execute();
  }

  @Override
  public void remove(Tx tx, String name) {
    tx.handle().createUpdate("DELETE FROM schedules WHERE name = ?").bind(0, name).execute();
  }

  @Override
  public Optional<String> claimDue(Tx tx, String name, long now) {
    return tx.handle().createQuery("UPDATE schedules SET next_run_at = :now + interval_ms, last_run_at = :now "
            + "WHERE name = :name AND next_run_at <= :now RETURNING kind")
        .bind("name", name).bind("now", now).mapTo(String.class).findOne();
  }

  @Override
  public void recordJob(Tx tx, String name, long jobId) {
    tx.handle().createUpdate("UPDATE schedules SET last_job_id = ? WHERE name = ?").bind(0, jobId).bind(1, name)
        .execute();
  }

  @Override
  public List<Scheduler.Schedule> list(Tx tx) {
    return tx.handle().createQuery("SELECT name, kind, interval_ms, next_run_at, last_run_at, last_job_id "
            + "FROM schedules ORDER BY name")
        .map((rs, ctx) -> {
          long lastRun = rs.getLong(5);
          Instant lastRunAt = rs.wasNull() ? null : Instant.ofEpochMilli(lastRun);
          long lastJob = rs.getLong(6);
          Long lastJobId = rs.wasNull() ? null : lastJob;
          return new Scheduler.Schedule(rs.getString(1), rs.getString(2), Duration.ofMillis(rs.getLong(3)),
              Instant.ofEpochMilli(rs.getLong(4)), lastRunAt, lastJobId);
        })
        .list();
  }

  @Override
  public List<String> names(Tx tx, String prefix) {
    // substr rather than LIKE: a prefix may hold LIKE's wildcards.
    return tx.handle().createQuery("SELECT name FROM schedules WHERE substr(name, 1, :length) = :prefix ORDER BY name")
        .bind("length", prefix.length()).bind("prefix", prefix).mapTo(String.class).list();
  }

  @Override
  public Optional<Long> nextRunAt(Tx tx, Collection<String> names) {
    return tx.handle().createQuery("SELECT MIN(next_run_at) FROM schedules WHERE name IN (<names>)")
        .bindList("names", List.copyOf(names)).mapTo(Long.class).findOne();
  }
}
