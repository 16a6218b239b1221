package io.portcullis.mirror;

import java.time.Instant;

/**
 * One run of a mirror (one attempt of its job), as it stands or as it ended.
 *
 * @param state        {@code running}, {@code waiting} (for an upstream's rate limit, until
 *                     {@code waitingUntil}), {@code succeeded} or {@code failed}
 * @param finishedAt   null while it runs
 * @param waitingUntil when a waiting run resumes; null unless waiting
 * @param budget       the upstream's rate-limit budget as last announced; null when it announced none
 * @param message      what it is doing, or why it failed
 */
public record MirrorRun(long id, long mirrorId, long jobId, String state, Instant startedAt, Instant finishedAt,
    Instant waitingUntil, Counts counts, Budget budget, String message) {
  public static final String RUNNING = "running";
  public static final String WAITING = "waiting";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";

  /**
   * What a run found and did.
   *
   * <p>A push mirror counts the same from the other side: the local tags it saw and selected, those
   * it added to the remote, updated there, found unchanged, or failed to push.
   *
   * @param seen         tags listed upstream (pull) or in the local repository (push)
   * @param selected     of those, the tags the filter keeps
   * @param added        tags copied that the mirror did not have
   * @param updated      tags whose manifest changed and were copied again
   * @param unchanged    tags whose manifest is the one already copied (HEAD only, no GET or PUT)
   * @param failed       tags that could not be copied
   * @param repositories upstream repositories a namespace mirror copied from (1 for the others)
   * @param mounted      blobs a push mirror mounted at the remote from another of its repositories
   * @param bytes        blob bytes received from the upstream (pull) or sent to the remote (push)
   * @param requests     HTTP requests sent to the remote registry
   */
  public record Counts(int seen, int selected, int added, int updated, int unchanged, int failed, int repositories,
      int mounted, long bytes, long requests) {}

  /** Requests an upstream allows per window, and how many of them were left when last seen. */
  public record Budget(long limit, long remaining) {}
}
