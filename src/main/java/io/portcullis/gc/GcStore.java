package io.portcullis.gc;

import io.portcullis.metadata.Tx;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where garbage collection runs are kept. */
public interface GcStore {
  /** Records a queued run of the job unless the job has one; false when it had. */
  boolean insertIfAbsent(Tx tx, long jobId, boolean dryRun, boolean deleteUntagged, String requestedBy, Instant at);

  Optional<GcRun> findByJob(Tx tx, long jobId);

  Optional<GcRun> find(Tx tx, long id);

  /** Writes the run's state, phase, counts and message. */
  void update(Tx tx, GcRun run);

  /** Ends the unfinished runs of other jobs as failed; returns how many there were. */
  int abandonOthers(Tx tx, long jobId, Instant at, String reason);

  /** Newest first, ids below {@code before}. */
  List<GcRun> list(Tx tx, long before, int limit);
}
