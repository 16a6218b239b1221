package io.portcullis.gc;

import java.time.Instant;

/**
 * One garbage collection run, as it stands or as it ended.
 *
 * @param jobId          the job that runs it
 * @param state          {@code queued}, {@code running}, {@code succeeded} or {@code failed}
 * @param dryRun         only reports what would be freed
 * @param deleteUntagged whether untagged manifests are collected too
 * @param phase          the phase running or last run: manifests, links, blobs, orphans, uploads
 * @param requestedBy    who asked for it ({@code schedule} for scheduled runs)
 * @param report         what it freed so far (a dry run: would free)
 * @param message        why it failed, or a summary
 */
public record GcRun(long id, long jobId, String state, boolean dryRun, boolean deleteUntagged, String phase,
    String requestedBy, Instant createdAt, Instant startedAt, Instant finishedAt, GcReport report, String message) {
  public static final String QUEUED = "queued";
  public static final String RUNNING = "running";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";

  GcRun starting(Instant at) {
    return new GcRun(id, jobId, RUNNING, dryRun, deleteUntagged, null, requestedBy, createdAt, at, null,
        GcReport.EMPTY, null);
  }

  GcRun progressed(String newPhase, GcReport soFar) {
    return new GcRun(id, jobId, state, dryRun, deleteUntagged, newPhase, requestedBy, createdAt, startedAt, null,
        soFar, message);
  }

  GcRun ended(String endState, Instant at, GcReport last, String why) {
    return new GcRun(id, jobId, endState, dryRun, deleteUntagged, phase, requestedBy, createdAt, startedAt, at, last,
        why);
  }
}
