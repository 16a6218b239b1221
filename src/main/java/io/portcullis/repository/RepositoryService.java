package io.portcullis.repository;

import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventType;
import io.portcullis.metadata.Database;
import io.portcullis.metadata.Tx;
import io.portcullis.shared.Caller;
import io.portcullis.shared.RegistryError;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.RepositoryScope;
import io.portcullis.shared.Tag;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Repositories and their settings: created explicitly or by their first push, listed, changed, and
 * deleted together with what other domains keep about them ({@link RepositoryDeletionParticipant}).
 * Who may do what is decided by the callers (identity); this service only keeps every change atomic and
 * recorded. Thread-safe.
 */
public final class RepositoryService {
  private final Database db;
  private final RepositoryStore store;
  private final EventLog events;
  private final Clock clock;
  private final List<RepositoryDeletionParticipant> participants = new CopyOnWriteArrayList<>();
  private final List<Consumer<RepositoryName>> listeners = new CopyOnWriteArrayList<>();

  public RepositoryService(Database db, RepositoryStore store, EventLog events, Clock clock) {
    this.db = Objects.requireNonNull(db, "db");
    this.store = Objects.requireNonNull(store, "store");
    this.events = Objects.requireNonNull(events, "events");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Adds a domain's part to every later deletion. Participants run in the order they were added, so one
   * that looks at another's data (scan results kept while another repository holds the manifest) is
   * added before the one that removes it.
   */
  public void addDeletionParticipant(RepositoryDeletionParticipant participant) {
    participants.add(Objects.requireNonNull(participant, "participant"));
  }

  /**
   * Calls {@code listener} on this replica after each committed {@link #create}, {@link #update} that
   * changed something, and {@link #delete}, for caches of repository settings (the access controller's
   * public repositories).
   * A repository created by its first push ({@link #ensure}) has the default settings, which contradict
   * nothing cached before it existed, so it is not announced.
   */
  public void addChangeListener(Consumer<RepositoryName> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public Optional<Repository> find(RepositoryName name) {
    return db.readOnly(tx -> find(tx, name));
  }

  /** The repository as {@code tx} sees it, for another domain's work in its own transaction. */
  public Optional<Repository> find(Tx tx, RepositoryName name) {
    return store.find(tx, name);
  }

  /** The names of every public repository. */
  public Set<String> publicNames() {
    return db.readOnly(store::publicNames);
  }

  /** Whether any repository is in {@code namespace} (a user's or organization's), as {@code tx} sees it. */
  public boolean anyInNamespace(Tx tx, String namespace) {
    return store.anyInNamespace(tx, namespace);
  }

  /**
   * One page of repositories in bytewise name order after {@code after} (null for the first), keeping
   * only those {@code included}, with one extra element when more follow.
   */
  public List<Repository> list(String after, int limit, Predicate<Repository> included) {
    List<Repository> result = new ArrayList<>(Math.min(limit + 1, 1024));
    String cursor = after == null ? "" : after;
    int batch = Math.max(Math.min(limit + 1, 1000), 100);
    while (result.size() <= limit) {
      String from = cursor;
      List<Repository> rows = db.readOnly(tx -> store.page(tx, from, batch));
      for (Repository row : rows) {
        if (included.test(row)) {
          result.add(row);
          if (result.size() > limit) {
            break;
          }
        }
      }
      if (rows.size() < batch) {
        break;
      }
      cursor = rows.getLast().name().value();
    }
    return result;
  }

  /**
   * Creates an empty repository ahead of its first push, with {@code settings} over the defaults.
   *
   * @throws RepositoryException {@link RepositoryException.Kind#ALREADY_EXISTS} if it exists
   */
  public Repository create(RepositoryName name, SettingsChange settings, Caller caller) {
    Instant at = now();
    Repository created = settings.applyTo(Repository.withDefaults(name, at));
    db.inTransaction(tx -> {
      if (!store.insert(tx, created)) {
        throw RepositoryException.alreadyExists(name);
      }
      events.append(tx, createdEvent(created, caller));
      announce(tx, name);
      return null;
    });
    return created;
  }

  /** Creates the repository with the default settings unless it exists: its first push or mount does this. */
  public void ensure(Tx tx, RepositoryName name, Caller caller) {
    Repository created = Repository.withDefaults(name, now());
    if (store.insert(tx, created)) {
      events.append(tx, createdEvent(created, caller));
    }
  }

  /**
   * Applies {@code change} in one transaction with one {@code repository.updated} event whose detail
   * names each setting that changed (and its new value); a change that changes nothing writes nothing.
   *
   * @throws RepositoryException {@link RepositoryException.Kind#NOT_FOUND} if there is no such repository
   */
  public Repository update(RepositoryName name, SettingsChange change, Caller caller) {
    return db.inTransaction(tx -> {
      Repository before = store.lock(tx, name).orElseThrow(() -> RepositoryException.notFound(name));
      Repository after = change.applyTo(before);
      Map<String, String> changed = differences(before, after);
      if (!changed.isEmpty()) {
        store.updateSettings(tx, after);
        events.append(tx, Event.change(EventType.REPOSITORY_UPDATED, clock.instant(), caller, null, name, changed));
        announce(tx, name);
      }
      return after;
    });
  }

  /**
   * Deletes the repository and, through the participants, everything the other domains keep about it,
   * in one transaction that also records {@code repository.deleted}: a participant that fails leaves
   * the repository exactly as it was.
   *
   * @throws RepositoryException {@link RepositoryException.Kind#NOT_FOUND} if there is no such repository
   */
  public void delete(RepositoryName name, Caller caller) {
    db.inTransaction(tx -> {
      // Locked first: a push that is linking content waits, and its content goes with the rest.
      if (store.lock(tx, name).isEmpty()) {
        throw RepositoryException.notFound(name);
      }
      for (RepositoryDeletionParticipant participant : participants) {
        participant.onDelete(tx, name);
      }
      store.delete(tx, name);
      events.append(tx, Event.of(EventType.REPOSITORY_DELETED, clock.instant(), caller, name, null, null, null));
      announce(tx, name);
      return null;
    });
  }

  /**
   * The check before a tag of the repository moves to another manifest or goes away (deleted by itself
   * or with its manifest): the repository's {@code immutableTags} setting, then the immutability rules
   * whose scope covers the repository and whose pattern matches the tag.
   *
   * @throws io.portcullis.shared.RegistryException {@link RegistryError#TAG_IMMUTABLE} (OCI code
   *     {@code DENIED}) naming the setting or the rule, when the tag is protected
   */
  public void requireTagMutable(Tx tx, RepositoryName repository, Tag tag) {
    if (find(tx, repository).map(Repository::immutableTags).orElse(false)) {
      throw RegistryError.TAG_IMMUTABLE.exception("repository " + repository + " has immutableTags on, so tag '"
          + tag.value() + "' can be neither moved to another manifest nor deleted; new tags can still be pushed");
    }
    for (ImmutabilityRule rule : store.rulesOf(tx, scopesCovering(repository))) {
      if (rule.covers(tag)) {
        throw RegistryError.TAG_IMMUTABLE.exception("tag '" + tag.value() + "' of " + repository + " is protected by "
            + rule.describe() + ", so it can be neither moved to another manifest nor deleted");
      }
    }
  }

  /** The scopes a rule may name to cover the repository: itself and {@code <each ancestor path>/*}. */
  static List<String> scopesCovering(RepositoryName repository) {
    List<String> scopes = new ArrayList<>();
    scopes.add(repository.value());
    String name = repository.value();
    for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
      scopes.add(name.substring(0, slash) + "/*");
    }
    return scopes;
  }

  /** Every immutability rule, by id. */
  public List<ImmutabilityRule> immutabilityRules() {
    return db.readOnly(store::rules);
  }

  public Optional<ImmutabilityRule> immutabilityRule(long id) {
    return db.readOnly(tx -> store.findRule(tx, id));
  }

  /**
   * Adds a rule; tags it covers are protected from the moment it commits, also those pushed before.
   *
   * @throws RepositoryException {@link RepositoryException.Kind#INVALID} for a pattern that is empty, too
   *     long or can match no tag, {@link RepositoryException.Kind#ALREADY_EXISTS} when the scope has it
   */
  public ImmutabilityRule addImmutabilityRule(RepositoryScope scope, String pattern, Caller caller) {
    if (pattern == null || pattern.isBlank() || pattern.length() > ImmutabilityRule.MAX_PATTERN
        || !pattern.matches("[A-Za-z0-9_.*?-]+")) {
      throw RepositoryException.invalid("pattern must be 1 to " + ImmutabilityRule.MAX_PATTERN
          + " tag characters (letters, digits, '_', '.', '-') and the wildcards '*' and '?'");
    }
    return db.inTransaction(tx -> {
      if (!store.insertRule(tx, new ImmutabilityRule(0, scope, pattern, now(), caller.actor()))) {
        throw RepositoryException.conflict("scope " + scope + " already has a rule for tags '" + pattern + "'");
      }
      ImmutabilityRule added = store.rules(tx).stream()
          .filter(r -> r.scope().equals(scope) && r.pattern().equals(pattern)).findFirst().orElseThrow();
      events.append(tx, Event.change(EventType.IMMUTABILITY_RULE_CREATED, clock.instant(), caller,
          "immutability rule " + added.id(), null, Map.of("scope", scope.value(), "pattern", pattern)));
      return added;
    });
  }

  /** @throws RepositoryException {@link RepositoryException.Kind#NOT_FOUND} when there is no such rule */
  public void removeImmutabilityRule(long id, Caller caller) {
    db.inTransaction(tx -> {
      ImmutabilityRule rule = store.findRule(tx, id)
          .orElseThrow(() -> RepositoryException.notFound("no immutability rule " + id));
      store.deleteRule(tx, id);
      events.append(tx, Event.change(EventType.IMMUTABILITY_RULE_DELETED, clock.instant(), caller,
          "immutability rule " + id, null, Map.of("scope", rule.scope().value(), "pattern", rule.pattern())));
      return null;
    });
  }

  private Event createdEvent(Repository created, Caller caller) {
    return Event.change(EventType.REPOSITORY_CREATED, created.createdAt(), caller, null, created.name(),
        Map.of("visibility", created.visibility().wireName(), "scanOnPush", String.valueOf(created.scanOnPush()),
            "immutableTags", String.valueOf(created.immutableTags())));
  }

  private static Map<String, String> differences(Repository before, Repository after) {
    Map<String, String> changed = new TreeMap<>();
    if (before.visibility() != after.visibility()) {
      changed.put("visibility", after.visibility().wireName());
    }
    if (!Objects.equals(before.description(), after.description())) {
      changed.put("description", after.description() == null ? "cleared" : "replaced");
    }
    if (before.scanOnPush() != after.scanOnPush()) {
      changed.put("scanOnPush", String.valueOf(after.scanOnPush()));
    }
    if (before.immutableTags() != after.immutableTags()) {
      changed.put("immutableTags", String.valueOf(after.immutableTags()));
    }
    return changed;
  }

  /** The clock's time at the database's precision, so what a call returns is what a later read gives. */
  private Instant now() {
    return Instant.ofEpochMilli(clock.millis());
  }

  private void announce(Tx tx, RepositoryName name) {
    tx.afterCommit(() -> listeners.forEach(listener -> listener.accept(name)));
  }
}
