package io.portcullis.jobs;

/** Runs one kind of job. Must be idempotent: a job whose runner died is run again from the start. */
@FunctionalInterface
public interface JobHandler {
  void run(Job job, Progress progress) throws Exception;

  /** Reports how far a running job is; visible in the API, the CLI and the logs. */
  interface Progress {
    void update(long done, long total, String message);
  }

  /** A failure that retrying cannot fix (bad input, hostile content): the job fails at once. */
  final class Permanent extends RuntimeException {
    public Permanent(String message) {
      super(message);
    }

    public Permanent(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
