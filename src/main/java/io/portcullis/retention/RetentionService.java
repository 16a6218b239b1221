package io.portcullis.retention;

import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventType;
import io.portcullis.events.Subscriber;
import io.portcullis.jobs.Job;
import io.portcullis.jobs.JobHandler;
import io.portcullis.jobs.JobRunner;
import io.portcullis.jobs.Scheduler;
import io.portcullis.metadata.Database;
import io.portcullis.metadata.Tx;
import io.portcullis.policy.Candidates;
import io.portcullis.policy.Criterion;
import io.portcullis.registry.ManifestService;
import io.portcullis.repository.RepositoryDeletionParticipant;
import io.portcullis.repository.RepositoryService;
import io.portcullis.shared.Caller;
import io.portcullis.shared.RegistryError;
import io.portcullis.shared.RegistryException;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.Tag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pruning policies (tag retention): kept per repository, run on demand (a dry run reports what a run
 * would do, through the same evaluation), after pushes and on a schedule, as jobs of kind
 * {@value #JOB_KIND} whose subject names the repository, so the three join instead of running twice.
 */
public final class RetentionService implements JobHandler, RepositoryDeletionParticipant {
  public static final String JOB_KIND = "retention.run";
  static final String SCHEDULE_PREFIX = "retention:";
  private static final Logger log = LoggerFactory.getLogger(RetentionService.class);
  private static final int MAX_ATTEMPTS = 3;

  /** Told of every run that pruned, for metrics. */
  public interface Listener {
    void pruned(RepositoryName repository, int tags);
  }

  /** What happened, or would happen, to one tag. */
  public enum Outcome { KEPT, PRUNED, WOULD_PRUNE, SKIPPED }

  public record TagReport(ManifestService.TaggedManifest tagged, Outcome outcome, String reason) {}

  public record Report(RepositoryName repository, boolean dryRun, Instant at, List<TagReport> tags) {
    public long count(Outcome outcome) {
      return tags.stream().filter(t -> t.outcome() == outcome).count();
    }
  }

  private final Database db;
  private final RetentionStore store;
  private final ManifestService manifests;
  private final RepositoryService repositories;
  private final Scheduler scheduler;
  private final JobRunner jobs;
  private final EventLog events;
  private final Clock clock;
  private final Listener listener;
  private final Candidates candidates;

  /** @param candidates loads tags as the criteria judge them */
  public RetentionService(Database db, RetentionStore store, ManifestService manifests, RepositoryService repositories,
      Candidates candidates, Scheduler scheduler, JobRunner jobs, EventLog events, Clock clock, Listener listener) {
    this.db = db;
    this.store = store;
    this.manifests = manifests;
    this.repositories = repositories;
    this.scheduler = scheduler;
    this.jobs = jobs;
    this.events = events;
    this.clock = clock;
    this.listener = listener;
    this.candidates = candidates;
    scheduler.runFamily(SCHEDULE_PREFIX);
  }

  public Optional<RetentionPolicy> find(RepositoryName repository) {
    return db.readOnly(tx -> store.find(tx, repository));
  }

  /** The settings of a policy, before the service stamps it. */
  public record Settings(List<String> include, List<String> exclude, int keepNewest, Duration olderThan,
      List<Criterion> criteria, boolean afterPush, Duration interval, boolean enabled) {}

  /**
   * Sets (or replaces) the repository's policy and its schedule.
   *
   * @throws IllegalArgumentException for settings that make no policy
   * @throws RegistryException        {@link RegistryError#NAME_UNKNOWN} when there is no such repository
   */
  public RetentionPolicy put(RepositoryName repository, Settings s, Caller caller) {
    Instant at = clock.instant();
    RetentionPolicy policy = new RetentionPolicy(repository, s.include(), s.exclude(), s.keepNewest(), s.olderThan(),
        s.criteria(), s.afterPush(), s.interval(), s.enabled(), at, caller.actor());
    return db.inTransaction(tx -> {
      if (repositories.find(tx, repository).isEmpty()) {
        throw RegistryError.NAME_UNKNOWN.exception(repository.value());
      }
      store.put(tx, policy);
      if (policy.enabled() && policy.interval() != null) {
        scheduler.schedule(tx, scheduleName(repository), JOB_KIND, policy.interval());
      } else {
        scheduler.unschedule(tx, scheduleName(repository));
      }
      events.append(tx, Event.change(EventType.RETENTION_SET, at, caller, "retention of " + repository, repository,
          detail(policy)));
      return policy;
    });
  }

  /** Removes the repository's policy; false when it had none. */
  public boolean remove(RepositoryName repository, Caller caller) {
    Instant at = clock.instant();
    return db.inTransaction(tx -> {
      if (!store.delete(tx, repository)) {
        return false;
      }
      scheduler.unschedule(tx, scheduleName(repository));
      events.append(tx, Event.change(EventType.RETENTION_REMOVED, at, caller, "retention of " + repository,
          repository, Map.of()));
      return true;
    });
  }

  /**
   * Runs the repository's policy, or with {@code dryRun} says what a run would do. A run deletes each
   * tag only if it still points at the manifest it was judged on; one that moved in between is
   * skipped, as is one that became immutable.
   *
   * @throws RegistryException {@link RegistryError#NAME_UNKNOWN} when the repository has no policy
   */
  public Report run(RepositoryName repository, boolean dryRun, Caller caller) {
    RetentionPolicy policy = find(repository)
        .orElseThrow(() -> RegistryError.NAME_UNKNOWN.exception("repository " + repository + " has no pruning policy"));
    Instant now = clock.instant();
    List<ManifestService.TaggedManifest> tags = manifests.taggedManifests(repository);
    Set<Tag> immutable = db.readOnly(tx -> immutableTags(tx, repository, tags));
    List<TagReport> report = new ArrayList<>();
    int pruned = 0;
    boolean withScans = policy.criteria().stream().anyMatch(Criterion::needsScan);
    for (RetentionPolicy.Verdict v : policy.evaluate(tags, immutable::contains, now,
        tag -> candidates.load(repository, tag, withScans))) {
      if (!v.prune()) {
        report.add(new TagReport(v.tagged(), Outcome.KEPT, v.reason()));
      } else if (dryRun) {
        report.add(new TagReport(v.tagged(), Outcome.WOULD_PRUNE, v.reason()));
      } else {
        TagReport done = prune(repository, v, caller);
        pruned += done.outcome() == Outcome.PRUNED ? 1 : 0;
        report.add(done);
      }
    }
    if (pruned > 0) {
      log.info("retention of {} pruned {} of {} tags", repository, pruned, tags.size());
      listener.pruned(repository, pruned);
    }
    return new Report(repository, dryRun, now, report);
  }

  private TagReport prune(RepositoryName repository, RetentionPolicy.Verdict v, Caller caller) {
    ManifestService.TaggedManifest t = v.tagged();
    try {
      boolean deleted = manifests.deleteTagIfAt(repository, t.tag(), t.digest(), caller, EventType.TAG_PRUNED,
          Map.of("policy", "retention of " + repository, "reason", v.reason()));
      return deleted ? new TagReport(t, Outcome.PRUNED, v.reason())
          : new TagReport(t, Outcome.SKIPPED, "skipped: the tag moved or went since it was judged");
    } catch (RegistryException e) {
      if (e.error() == RegistryError.TAG_IMMUTABLE) {
        return new TagReport(t, Outcome.SKIPPED, "skipped: " + e.getMessage());
      }
      throw e;
    }
  }

  private Set<Tag> immutableTags(Tx tx, RepositoryName repository, List<ManifestService.TaggedManifest> tags) {
    Set<Tag> immutable = new LinkedHashSet<>();
    for (ManifestService.TaggedManifest t : tags) {
      try {
        repositories.requireTagMutable(tx, repository, t.tag());
      } catch (RegistryException e) {
        if (e.error() != RegistryError.TAG_IMMUTABLE) {
          throw e;
        }
        immutable.add(t.tag());
      }
    }
    return immutable;
  }

  @Override
  public void run(Job job, Progress progress) {
    if (!job.subject().startsWith(SCHEDULE_PREFIX)) {
      return;
    }
    RepositoryName repository = RepositoryName.of(job.subject().substring(SCHEDULE_PREFIX.length()));
    Optional<RetentionPolicy> policy = find(repository);
    if (policy.isEmpty() || !policy.get().enabled()) {
      // Removed or switched off after the job was queued.
      return;
    }
    progress.update(0, 1, "pruning " + repository);
    Report report = run(repository, false, new Caller("retention", "local", "job-" + job.id()));
    progress.update(1, 1, report.count(Outcome.PRUNED) + " tags pruned, " + report.count(Outcome.KEPT) + " kept");
  }

  /** Queues a run of the policies of repositories pushed to, those that run after pushes. */
  public Subscriber afterPush() {
    return new Subscriber() {
      @Override
      public String name() {
        return "retention-after-push";
      }

      @Override
      public boolean wants(EventType type) {
        return type == EventType.TAG_PUSHED;
      }

      @Override
      public void handle(List<Event> pushes) {
        Set<RepositoryName> pushedTo = new LinkedHashSet<>();
        pushes.forEach(push -> pushedTo.add(push.repository()));
        db.inTransaction(tx -> {
          for (RepositoryName repository : pushedTo) {
            Optional<RetentionPolicy> policy = store.find(tx, repository);
            if (policy.isPresent() && policy.get().enabled() && policy.get().afterPush()) {
              jobs.submit(tx, JOB_KIND, scheduleName(repository), null, MAX_ATTEMPTS);
            }
          }
          return null;
        });
      }
    };
  }

  @Override
  public void onDelete(Tx tx, RepositoryName repository) {
    store.delete(tx, repository);
    scheduler.unschedule(tx, scheduleName(repository));
  }

  static String scheduleName(RepositoryName repository) {
    return SCHEDULE_PREFIX + repository.value();
  }

  private static Map<String, String> detail(RetentionPolicy p) {
    return Map.of("keepNewest", String.valueOf(p.keepNewest()),
        "olderThan", p.olderThan() == null ? "" : p.olderThan().toString(),
        "include", String.join(",", p.include()), "exclude", String.join(",", p.exclude()),
        "afterPush", String.valueOf(p.afterPush()), "interval", p.interval() == null ? "" : p.interval().toString(),
        "enabled", String.valueOf(p.enabled()), "criteria", String.valueOf(p.criteria().size()));
  }
}
