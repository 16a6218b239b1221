package io.portcullis.gc;

import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventType;
import io.portcullis.jobs.Job;
import io.portcullis.jobs.JobHandler;
import io.portcullis.jobs.JobRunner;
import io.portcullis.metadata.Database;
import io.portcullis.shared.Caller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Garbage collection runs: asked for now or by the schedule, each one a job of kind
 * {@value #JOB_KIND} with the subject {@value #SUBJECT}, which is also the schedule's name. The job
 * queue keeps one queued or running job per kind and subject, and a job's lease lets one runner of
 * all replicas run it, so there is one run at a time everywhere; a request while one is queued or
 * running joins nothing and says so. A run's row ({@code gc_runs}) is its progress and history.
 */
public final class GcService implements JobHandler {
  public static final String JOB_KIND = "gc.run";
  public static final String SUBJECT = "gc";
  /** A run whose runner died is run again (from the start: every phase re-reads the registry). */
  static final int MAX_ATTEMPTS = 3;
  private static final long SAVE_EVERY_MILLIS = 1000;

  /** Told of every finished run, for metrics. */
  public interface Listener {
    void finished(GcRun run, Duration took);
  }

  /** A request's answer: the run asked for, or ({@code created} false) the one already queued or running. */
  public record Requested(GcRun run, boolean created) {}

  private final Database db;
  private final GcStore store;
  private final GarbageCollector collector;
  private final JobRunner jobs;
  private final EventLog events;
  private final Clock clock;
  private final boolean deleteUntagged;
  private final Listener listener;

  /** @param deleteUntagged whether runs nobody asked otherwise of (scheduled ones) collect untagged manifests */
  public GcService(Database db, GcStore store, GarbageCollector collector, JobRunner jobs, EventLog events,
      Clock clock, boolean deleteUntagged, Listener listener) {
    this.db = db;
    this.store = store;
    this.collector = collector;
    this.jobs = jobs;
    this.events = events;
    this.clock = clock;
    this.deleteUntagged = deleteUntagged;
    this.listener = listener;
  }

  /**
   * Queues a run. A scheduled run queued and not started yet becomes this one (its options are this
   * request's); one that runs already is answered instead.
   *
   * @param deleteUntagged null for the configured default ({@code gc.delete-untagged})
   */
  public Requested request(boolean dryRun, Boolean deleteUntagged, Caller caller) {
    boolean untagged = deleteUntagged == null ? this.deleteUntagged : deleteUntagged;
    return db.inTransaction(tx -> {
      long job = jobs.submit(tx, JOB_KIND, SUBJECT, null, MAX_ATTEMPTS);
      boolean created = store.insertIfAbsent(tx, job, dryRun, untagged, caller.actor(), clock.instant());
      return new Requested(store.findByJob(tx, job).orElseThrow(), created);
    });
  }

  public Optional<GcRun> find(long id) {
    return db.readOnly(tx -> store.find(tx, id));
  }

  /** Newest first, ids below {@code before} (0: from the newest). */
  public List<GcRun> list(long before, int limit) {
    return db.readOnly(tx -> store.list(tx, before <= 0 ? Long.MAX_VALUE : before, limit));
  }

  @Override
  public void run(Job job, Progress progress) throws Exception {
    Instant started = clock.instant();
    GcRun begun = db.inTransaction(tx -> {
      // One job runs at a time, so another job's unfinished run is one whose runner died.
      store.abandonOthers(tx, job.id(), started, "interrupted: its runner stopped before it finished");
      store.insertIfAbsent(tx, job.id(), false, deleteUntagged, "schedule", started);
      GcRun run = store.findByJob(tx, job.id()).orElseThrow().starting(started);
      store.update(tx, run);
      return run;
    });
    Caller caller = new Caller("gc", "local", "job-" + job.id());
    Saver saver = new Saver(begun, progress);
    GcReport report;
    try {
      report = collector.collect(begun.dryRun(), begun.deleteUntagged(), caller, saver::progress);
    } catch (Exception e) {
      String reason = e.getMessage() == null ? e.toString() : e.getMessage();
      db.inTransaction(tx -> {
        store.update(tx, saver.current.ended(GcRun.FAILED, clock.instant(), saver.current.report(), reason));
        return null;
      });
      listener.finished(saver.current.ended(GcRun.FAILED, clock.instant(), saver.current.report(), reason),
          Duration.between(started, clock.instant()));
      throw e;
    }
    Instant at = clock.instant();
    GcRun done = saver.current.ended(GcRun.SUCCEEDED, at, report, summary(begun.dryRun(), report));
    db.inTransaction(tx -> {
      store.update(tx, done);
      events.append(tx, Event.change(EventType.GC_COMPLETED, at, caller, "gc run " + done.id(), null,
          detail(done, Duration.between(started, at))));
      return null;
    });
    listener.finished(done, Duration.between(started, at));
    progress.update(report.manifests() + report.links() + report.blobs() + report.orphanFiles(), 0, done.message());
  }

  /** Writes a run's progress to its row and its job at most once a second, and at each new phase. */
  private final class Saver {
    GcRun current;
    final Progress progress;
    long savedAt;

    Saver(GcRun current, Progress progress) {
      this.current = current;
      this.progress = progress;
    }

    void progress(String phase, java.util.function.Supplier<GcReport> report) {
      long now = clock.millis();
      if (!phase.equals(current.phase()) || now - savedAt >= SAVE_EVERY_MILLIS) {
        GcReport soFar = report.get();
        current = current.progressed(phase, soFar);
        savedAt = now;
        GcRun snapshot = current;
        db.inTransaction(tx -> {
          store.update(tx, snapshot);
          return null;
        });
        progress.update(soFar.manifests() + soFar.links() + soFar.blobs() + soFar.orphanFiles(), 0,
            phase + ": " + summary(snapshot.dryRun(), soFar));
      }
    }
  }

  static String summary(boolean dryRun, GcReport r) {
    return (dryRun ? "would free " : "freed ") + r.freedBytes() + " bytes: " + r.manifests() + " manifests, "
        + r.links() + " links, " + r.blobs() + " blobs, " + r.orphanFiles() + " orphaned files"
        + (dryRun ? "" : ", " + r.uploads() + " stale uploads");
  }

  private static Map<String, String> detail(GcRun run, Duration took) {
    GcReport r = run.report();
    Map<String, String> detail = new LinkedHashMap<>();
    detail.put("dryRun", String.valueOf(run.dryRun()));
    detail.put("deleteUntagged", String.valueOf(run.deleteUntagged()));
    detail.put("manifests", String.valueOf(r.manifests()));
    detail.put("links", String.valueOf(r.links()));
    detail.put("blobs", String.valueOf(r.blobs()));
    detail.put("orphanFiles", String.valueOf(r.orphanFiles()));
    detail.put("freedBytes", String.valueOf(r.freedBytes()));
    detail.put("durationMillis", String.valueOf(took.toMillis()));
    return detail;
  }
}
