package io.portcullis.jobs;

/**
 * A background job as stored.
 *
 * @param id       database id
 * @param kind     which handler runs it ({@code scan}, {@code vulndb.import}, …)
 * @param subject  what it works on; one queued or running job per kind and subject
 * @param payload  handler-specific parameters (JSON), may be null
 * @param state    {@code queued}, {@code running}, {@code succeeded} or {@code failed}
 * @param attempts how many times it was started
 * @param done     progress: units done
 * @param total    progress: units in all (0 when unknown)
 * @param message  last progress message or failure reason
 */
public record Job(long id, String kind, String subject, String payload, String state, int attempts, long done,
    long total, String message, long createdAt, Long startedAt, Long finishedAt) {

  public static final String QUEUED = "queued";
  public static final String RUNNING = "running";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";

  /** Whether the job has ended for good: succeeded, or failed with no attempt left. */
  public boolean finished() {
    return state.equals(SUCCEEDED) || state.equals(FAILED);
  }
}
