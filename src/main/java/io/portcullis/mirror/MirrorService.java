package io.portcullis.mirror;

import io.portcullis.auth.secret.SecretBox;
import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventType;
import io.portcullis.events.Subscriber;
import io.portcullis.jobs.JobRunner;
import io.portcullis.jobs.Scheduler;
import io.portcullis.metadata.Database;
import io.portcullis.metadata.Tx;
import io.portcullis.mirror.upstream.Upstream;
import io.portcullis.mirror.upstream.UpstreamClient;
import io.portcullis.repository.RepositoryDeletionParticipant;
import io.portcullis.repository.RepositoryService;
import io.portcullis.shared.Caller;
import io.portcullis.shared.NetworkPolicy;
import io.portcullis.shared.RepositoryName;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Mirrors, pull and push: their settings, schedules and run history. Each enabled mirror has a schedule of its
 * own ({@code mirror:<id>}, a {@linkplain Scheduler#runFamily family}) written in the transaction that
 * writes the mirror, so a mirror and its schedule never disagree, on any replica. A run is a job of
 * kind {@value #JOB_KIND} whose subject is the schedule's name, so "run now" and the schedule join
 * each other's run instead of copying twice at once ({@link MirrorRunner} does the copying).
 */
public final class MirrorService implements RepositoryDeletionParticipant {
  public static final String JOB_KIND = "mirror.run";
  static final String SCHEDULE_PREFIX = "mirror:";
  /** A failed run is retried a little (an upstream outage); the next period runs again anyway. */
  static final int MAX_ATTEMPTS = 3;

  private final Database db;
  private final MirrorStore store;
  private final RepositoryService repositories;
  private final Scheduler scheduler;
  private final JobRunner jobs;
  private final EventLog events;
  private final SecretBox box;
  private final NetworkPolicy policy;
  private final Clock clock;

  /** @param policy the addresses an upstream may resolve to ({@code mirror.allowed-networks}) */
  public MirrorService(Database db, MirrorStore store, RepositoryService repositories, Scheduler scheduler,
      JobRunner jobs, EventLog events, SecretBox box, NetworkPolicy policy, Clock clock) {
    this.db = db;
    this.store = store;
    this.repositories = repositories;
    this.scheduler = scheduler;
    this.jobs = jobs;
    this.events = events;
    this.box = box;
    this.policy = policy;
    this.clock = clock;
    scheduler.runFamily(SCHEDULE_PREFIX);
  }

  /**
   * Creates a mirror into {@code target}, creating that repository (private) unless it exists, and
   * queues its first run at once when it is enabled.
   *
   * @throws MirrorException {@link MirrorException.Kind#ALREADY_EXISTS} when the target has a mirror,
   *                         {@link MirrorException.Kind#INVALID} for an upstream that is not one or
   *                         that resolves to an address outside {@code mirror.allowed-networks}
   */
  public Mirror create(RepositoryName target, MirrorChange settings, Caller caller) {
    return create(Mirror.Direction.PULL, false, target, settings, caller);
  }

  /**
   * Creates a mirror of either direction: a pull mirror (of one repository, or with {@code namespace}
   * of every repository under an upstream namespace into the local namespace {@code target}) or a
   * push mirror of the local repository {@code target}. Only a single-repository pull mirror creates
   * its target; a push mirror's source may come later (it pushes what is there).
   *
   * @throws MirrorException as {@link #create(RepositoryName, MirrorChange, Caller)}, and INVALID for
   *                         settings the kind does not take
   */
  public Mirror create(Mirror.Direction direction, boolean namespace, RepositoryName target, MirrorChange settings,
      Caller caller) {
    if (settings.registry() == null || settings.repository() == null) {
      throw MirrorException.invalid(namespace ? "a namespace mirror needs an upstream registry and namespace"
          : "a mirror needs a remote registry and repository");
    }
    Instant at = clock.instant();
    Mirror draft = settings.applyTo(new Mirror(0, direction, target, settings.registry(), settings.repository(),
        namespace, null, Mirror.DEFAULT_INTERVAL, true, TagFilter.ALL, PlatformFilter.ALL, TagTemplate.SAME, null,
        false, at, caller.actor(), at), at);
    Upstream upstream = upstream(draft);
    validate(draft, upstream);
    checkReachable(upstream);
    return db.inTransaction(tx -> {
      byte[] sealed = settings.credentials() == null ? null : seal(draft, settings.credentials());
      long id = store.insert(tx, draft, sealed).orElseThrow(() -> new MirrorException(
          MirrorException.Kind.ALREADY_EXISTS, direction == Mirror.Direction.PUSH
              ? "repository " + target + " already has a push mirror to " + upstream
              : (namespace ? "namespace " : "repository ") + target + " already has a pull mirror"));
      Mirror created = store.find(tx, id).orElseThrow();
      if (!created.isPush() && !created.namespace()) {
        repositories.ensure(tx, target, caller);
      }
      if (created.enabled()) {
        scheduler.schedule(tx, created.scheduleName(), JOB_KIND, created.interval());
        jobs.submit(tx, JOB_KIND, created.scheduleName(), null, MAX_ATTEMPTS);
      }
      events.append(tx, Event.change(EventType.MIRROR_CREATED, at, caller, "mirror " + id, target,
          describe(created, upstream)));
      return created;
    });
  }

  /**
   * Applies a change in one transaction with one {@code mirror.updated} event; its schedule follows. A
   * changed registry is checked as at creation; an unchanged one is left alone, so a mirror whose
   * upstream the allowlist no longer covers can still be disabled (its runs fail anyway).
   */
  public Mirror update(long id, MirrorChange change, Caller caller) {
    Instant at = clock.instant();
    return db.inTransaction(tx -> {
      Mirror before = store.find(tx, id).orElseThrow(() -> MirrorException.notFound(id));
      Mirror after = change.applyTo(before, at);
      Upstream upstream = upstream(after);
      validate(after, upstream);
      if (!upstream.registry().equals(before.upstream().registry())) {
        checkReachable(upstream);
      }
      store.update(tx, after);
      if (change.replacesCredentials()) {
        store.updateCredentials(tx, id, after.username(),
            change.credentials() == null ? null : seal(after, change.credentials()), at);
      }
      if (after.enabled()) {
        scheduler.schedule(tx, after.scheduleName(), JOB_KIND, after.interval());
      } else {
        scheduler.unschedule(tx, after.scheduleName());
      }
      Map<String, String> detail = describe(after, upstream);
      if (change.replacesCredentials()) {
        detail.put("credentials", after.username() == null ? "removed" : "replaced");
      }
      events.append(tx, Event.change(EventType.MIRROR_UPDATED, at, caller, "mirror " + id, after.target(), detail));
      return after;
    });
  }

  /** Deletes the mirror, its schedule and history; what it copied stays in the target repository. */
  public void delete(long id, Caller caller) {
    db.inTransaction(tx -> {
      Mirror mirror = store.find(tx, id).orElseThrow(() -> MirrorException.notFound(id));
      remove(tx, mirror);
      events.append(tx, Event.change(EventType.MIRROR_DELETED, clock.instant(), caller, "mirror " + id,
          mirror.target(), Map.of()));
      return null;
    });
  }

  /**
   * A deleted repository takes its mirrors with it: its pull mirror has nothing left to copy into,
   * its push mirrors nothing to copy from. A namespace mirror stays: the namespace is not deleted.
   */
  @Override
  public void onDelete(Tx tx, RepositoryName repository) {
    store.withTarget(tx, repository).stream().filter(m -> !m.namespace()).forEach(mirror -> remove(tx, mirror));
  }

  /**
   * Queues a run of each enabled push mirror of {@code source} whose tag filter selects one of {@code
   * tags} (or joins the run queued or going), in the caller's transaction; returns the jobs' ids. A
   * push into the repository calls it, and so will the promotion policies whose action is a push: a
   * run pushes every selected tag whose content is not yet at the remote, these among them.
   */
  public List<Long> pushTags(Tx tx, RepositoryName source, java.util.Collection<String> tags) {
    List<Long> jobIds = new java.util.ArrayList<>();
    for (Mirror mirror : store.withTarget(tx, source)) {
      if (mirror.isPush() && mirror.enabled() && !mirror.tags().apply(List.copyOf(tags)).isEmpty()) {
        jobIds.add(jobs.submit(tx, JOB_KIND, mirror.scheduleName(), null, MAX_ATTEMPTS));
      }
    }
    return jobIds;
  }

  /**
   * The subscriber that runs push mirrors on push: each {@code tag.pushed} of a repository with push
   * mirrors queues their runs. Queuing is idempotent (a run queued or going is joined), so an event
   * handled twice costs nothing.
   */
  public Subscriber pushTrigger() {
    return new Subscriber() {
      @Override
      public String name() {
        return "push-mirrors";
      }

      @Override
      public boolean wants(EventType type) {
        return type == EventType.TAG_PUSHED;
      }

      @Override
      public void handle(List<Event> pushed) {
        Map<RepositoryName, java.util.Set<String>> tags = new LinkedHashMap<>();
        for (Event event : pushed) {
          if (event.repository() != null && event.tag() != null) {
            tags.computeIfAbsent(event.repository(), r -> new java.util.LinkedHashSet<>()).add(event.tag().value());
          }
        }
        db.inTransaction(tx -> {
          tags.forEach((source, names) -> pushTags(tx, source, names));
          return null;
        });
      }
    };
  }

  private void remove(Tx tx, Mirror mirror) {
    scheduler.unschedule(tx, mirror.scheduleName());
    store.delete(tx, mirror.id());
  }

  public Optional<Mirror> find(long id) {
    return db.readOnly(tx -> store.find(tx, id));
  }

  /** Up to {@code limit} mirrors with ids above {@code after}. */
  public List<Mirror> list(long after, int limit) {
    return db.readOnly(tx -> store.page(tx, after, limit));
  }

  /** Queues a run now (or joins the one queued or running); returns its job's id. */
  public long runNow(long id) {
    return db.inTransaction(tx -> {
      Mirror mirror = store.find(tx, id).orElseThrow(() -> MirrorException.notFound(id));
      return jobs.submit(tx, JOB_KIND, mirror.scheduleName(), null, MAX_ATTEMPTS);
    });
  }

  /** Newest first, ids below {@code before} (0: from the newest). */
  public List<MirrorRun> runs(long id, long before, int limit) {
    return db.readOnly(tx -> {
      store.find(tx, id).orElseThrow(() -> MirrorException.notFound(id));
      return store.runs(tx, id, before <= 0 ? Long.MAX_VALUE : before, limit);
    });
  }

  public Optional<MirrorRun> run(long id, long runId) {
    return db.readOnly(tx -> store.run(tx, id, runId));
  }

  /** The mirror a job's subject names; empty when it was deleted since. */
  Optional<Mirror> forJob(String subject) {
    if (!subject.startsWith(SCHEDULE_PREFIX)) {
      return Optional.empty();
    }
    try {
      long id = Long.parseLong(subject.substring(SCHEDULE_PREFIX.length()));
      return find(id);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The mirror's upstream credentials, opened; empty for anonymous access. */
  Optional<UpstreamClient.Credentials> credentials(Mirror mirror) {
    if (mirror.username() == null) {
      return Optional.empty();
    }
    return db.readOnly(tx -> store.sealedPassword(tx, mirror.id())).map(sealed -> new UpstreamClient.Credentials(
        mirror.username(), new String(box.open(sealName(mirror), sealed), StandardCharsets.UTF_8)));
  }

  private byte[] seal(Mirror mirror, UpstreamClient.Credentials credentials) {
    return box.seal(sealName(mirror), credentials.password().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sealed under the local side's name and the direction, so a sealed value cannot be moved to a
   * mirror of another repository, nor from a pull mirror to a push mirror of the same one.
   */
  private static String sealName(Mirror mirror) {
    return (mirror.isPush() ? "push-mirror-password:" : "mirror-password:") + mirror.target().value();
  }

  /** Refuses settings a mirror of its kind does not take. */
  private static void validate(Mirror mirror, Upstream upstream) {
    if (mirror.isPush() && mirror.namespace()) {
      throw MirrorException.invalid("a push mirror copies one repository: namespace mirrors are pull mirrors");
    }
    if (mirror.isPush() && !mirror.platforms().platforms().isEmpty()) {
      throw MirrorException.invalid("platforms apply to pull mirrors: a push mirror copies manifests byte for byte");
    }
    if (!mirror.namespace() && mirror.repositoryFilter() != null) {
      throw MirrorException.invalid("a repository filter applies to namespace mirrors only");
    }
    if (mirror.namespace() && upstream.registry().getHost().equals(Upstream.DOCKER_HUB_API)) {
      throw MirrorException.invalid("Docker Hub serves no repository catalog (GET /v2/_catalog): mirror its "
          + "repositories one by one");
    }
  }

  private static Upstream upstream(Mirror mirror) {
    try {
      return mirror.upstream();
    } catch (IllegalArgumentException e) {
      throw MirrorException.invalid(e.getMessage());
    }
  }

  /**
   * Refuses an upstream resolving to an address the server must not reach on a user's behalf. A name
   * that does not resolve now may later, and each request checks again (see {@link UpstreamClient}).
   */
  private void checkReachable(Upstream upstream) {
    try {
      policy.resolve(upstream.registry());
    } catch (NetworkPolicy.Refused e) {
      if (e.forbidden()) {
        throw MirrorException.invalid("upstream registry refused: " + e.getMessage());
      }
    }
  }

  /** The event detail of a mirror's settings: what an auditor needs, never a secret. */
  private static Map<String, String> describe(Mirror m, Upstream upstream) {
    Map<String, String> detail = new LinkedHashMap<>();
    detail.put("direction", m.direction().wireName());
    detail.put(m.isPush() ? "remote" : m.namespace() ? "namespace" : "upstream", upstream.toString());
    if (m.repositoryFilter() != null) {
      detail.put("repositories", m.repositoryFilter());
    }
    detail.put("interval", m.interval().toString());
    detail.put("enabled", String.valueOf(m.enabled()));
    return detail;
  }
}
