package io.portcullis.jobs;

import io.portcullis.metadata.Tx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs queued jobs with bounded concurrency on virtual threads: polls the queue, and wakes at once
 * when this replica queued something. Failures are retried with exponential backoff up to the job's
 * attempts; {@link JobHandler.Permanent} failures are not retried.
 */
public final class JobRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
  private static final long LEASE_MILLIS = Duration.ofMinutes(2).toMillis();

  private final JobQueue queue;
  private final Map<String, JobHandler> handlers = new ConcurrentHashMap<>();
  private final String owner = "runner-" + UUID.randomUUID();
  private final Semaphore slots;
  private final Semaphore wake = new Semaphore(0);
  private final long pollMillis;
  private volatile boolean running;
  private Thread dispatcher;
  private final List<Thread> workers = java.util.Collections.synchronizedList(new ArrayList<>());

  public JobRunner(JobQueue queue, int concurrency, Duration poll) {
    this.queue = queue;
    this.slots = new Semaphore(concurrency);
    this.pollMillis = poll.toMillis();
  }

  public void register(String kind, JobHandler handler) {
    handlers.put(kind, handler);
  }

  /** The kinds this runner has handlers for. */
  public Set<String> kinds() {
    return Set.copyOf(handlers.keySet());
  }

  /** Queues a job and wakes this runner. */
  public long submit(String kind, String subject, String payload, int maxAttempts) {
    long id = queue.enqueue(kind, subject, payload, maxAttempts);
    nudge();
    return id;
  }

  /** Queues a job in the caller's transaction and wakes this runner once that committed. */
  public long submit(Tx tx, String kind, String subject, String payload, int maxAttempts) {
    long id = queue.enqueue(tx, kind, subject, payload, maxAttempts);
    tx.afterCommit(this::nudge);
    return id;
  }

  /** Tells the runner that jobs were queued (e.g. inside another transaction). */
  public void nudge() {
    wake.release();
  }

  public void start() {
    running = true;
    dispatcher = Thread.ofVirtual().name("jobs-dispatcher").start(this::dispatch);
  }

  private void dispatch() {
    while (running) {
      try {
        slots.acquire();
        Optional<Job> job = queue.claim(List.copyOf(handlers.keySet()), owner, LEASE_MILLIS);
        if (job.isEmpty()) {
          slots.release();
          wake.tryAcquire(pollMillis, TimeUnit.MILLISECONDS);
          wake.drainPermits();
          continue;
        }
        Thread worker = Thread.ofVirtual().name("job-" + job.get().id()).start(() -> execute(job.get()));
        workers.add(worker);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        slots.release();
        log.error("job dispatch failed; retrying", e);
        sleepQuietly(pollMillis);
      }
    }
  }

  private void execute(Job job) {
    long started = System.nanoTime();
    try {
      JobHandler handler = handlers.get(job.kind());
      handler.run(job, (done, total, message) -> {
        if (!queue.progress(job.id(), owner, done, total, message, LEASE_MILLIS)) {
          throw new IllegalStateException("job " + job.id() + " was taken over by another runner");
        }
      });
      queue.succeed(job.id(), owner);
      log.info("job {} {} {} succeeded in {} ms", job.id(), job.kind(), job.subject(),
          (System.nanoTime() - started) / 1_000_000);
    } catch (JobHandler.Permanent e) {
      queue.fail(job.id(), owner, e.getMessage(), true, 0);
      log.warn("job {} {} {} failed: {}", job.id(), job.kind(), job.subject(), e.getMessage());
    } catch (Exception e) {
      long backoff = Math.min(Duration.ofMinutes(10).toMillis(), 1000L << Math.min(10, job.attempts() * 2));
      queue.fail(job.id(), owner, e.toString(), false, backoff);
      log.warn("job {} {} {} attempt {} failed; will retry if attempts remain", job.id(), job.kind(), job.subject(),
          job.attempts(), e);
    } finally {
      workers.remove(Thread.currentThread());
      slots.release();
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Answers every wait for a job ({@link JobQueue#awaitFinished}) at once, so that long polls do not
   * hold up a graceful stop of the HTTP server; call it before stopping that.
   */
  public void endWaits() {
    queue.endWaits();
  }

  /** Stops claiming; running jobs get a short grace period, then lose their lease and run again later. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    if (dispatcher != null) {
      dispatcher.interrupt();
      dispatcher.join(5_000);
    }
    for (Thread worker : List.copyOf(workers)) {
      worker.join(10_000);
    }
  }
}
