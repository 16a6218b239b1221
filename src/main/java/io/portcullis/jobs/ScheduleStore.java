package io.portcullis.jobs;

import io.portcullis.metadata.Tx;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Storage of the periodic jobs' schedules. Times are epoch millis. */
public interface ScheduleStore {
  /**
   * Creates the schedule {@code name} to first run at {@code now + intervalMillis}, or updates it: an
   * unchanged interval keeps the next run, a changed one counts from the last run ({@code now} if none).
   */
  void register(Tx tx, String name, String kind, long intervalMillis, long now);

  void remove(Tx tx, String name);

  /**
   * Takes the period of schedule {@code name} if it is due at {@code now}, moving its next run one
   * interval on; returns its kind, or empty when it is not due (another transaction took the period).
   */
  Optional<String> claimDue(Tx tx, String name, long now);

  /** Records the job the schedule's last run queued. */
  void recordJob(Tx tx, String name, long jobId);

  /** Every schedule, by name. */
  List<Scheduler.Schedule> list(Tx tx);

  /** The names of the stored schedules that start with {@code prefix}. */
  List<String> names(Tx tx, String prefix);

  /** The earliest next run of the schedules {@code names}; empty when none of them is stored. */
  Optional<Long> nextRunAt(Tx tx, Collection<String> names);
}
