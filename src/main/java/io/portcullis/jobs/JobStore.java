package io.portcullis.jobs;

import io.portcullis.metadata.Tx;
import java.util.List;
import java.util.Optional;

/** Storage of the job queue. Times are epoch millis; {@code owner} is the runner holding a job's lease. */
public interface JobStore {
  /**
   * Queues a job unless one of the same kind and subject is queued or running, also when another
   * transaction queues it at the same moment; returns the id of the job queued or found.
   */
  long enqueue(Tx tx, String kind, String subject, String payload, int maxAttempts, long now);

  /** Puts running jobs whose lease ran out before {@code now} back in the queue. */
  void requeueExpired(Tx tx, long now);

  /**
   * The queued job of one of {@code kinds} that has waited longest since it became due, locked until
   * the transaction ends; jobs other transactions are claiming are skipped, not waited for.
   */
  Optional<Long> lockNextDue(Tx tx, List<String> kinds, long now);

  /** Marks the job running for {@code owner} until {@code leaseUntil}, counting the attempt. */
  void start(Tx tx, long id, String owner, long now, long leaseUntil);

  /** Records progress and extends the lease; false when the job is not running for {@code owner}. */
  boolean progress(Tx tx, long id, String owner, long done, long total, String message, long leaseUntil);

  /** Marks the job succeeded if {@code owner} holds it. */
  void succeed(Tx tx, long id, String owner, long now);

  /**
   * Fails the job for good when {@code permanent} or out of attempts, else queues it again to run at
   * {@code runAfter}; only if {@code owner} holds it.
   */
  void fail(Tx tx, long id, String owner, String reason, boolean permanent, long now, long runAfter);

  Optional<Job> find(Tx tx, long id);

  /** Newest first, optionally of one kind and/or state, ids below {@code before} ({@code Long.MAX_VALUE}: all). */
  List<Job> list(Tx tx, String kind, String state, long before, int limit);

  /** Queued and running jobs per kind and state that has any, the waits measured at {@code now}. */
  List<JobQueue.Depth> depths(Tx tx, long now);
}
