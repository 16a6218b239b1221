package io.portcullis.mirror.cache;

import io.portcullis.auth.secret.SecretBox;
import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventType;
import io.portcullis.metadata.Database;
import io.portcullis.metadata.Tx;
import io.portcullis.mirror.MirrorException;
import io.portcullis.mirror.upstream.UpstreamClient;
import io.portcullis.repository.RepositoryDeletionParticipant;
import io.portcullis.shared.Caller;
import io.portcullis.shared.NetworkPolicy;
import io.portcullis.shared.RepositoryName;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Pull-through caches: their settings and upstreams. Every registry request asks whether its
 * repository is in a cache's namespace, so the caches are kept in memory, reloaded after a local
 * change at once and otherwise every {@link #RELOAD} (another replica's change shows within that).
 */
public final class CacheService implements RepositoryDeletionParticipant {
  static final Duration RELOAD = Duration.ofSeconds(5);

  private record Loaded(Map<String, Cache> byNamespace, Instant at) {}

  private final Database db;
  private final CacheStore store;
  private final EventLog events;
  private final SecretBox box;
  private final NetworkPolicy policy;
  private final Clock clock;
  private volatile Loaded loaded;

  /** @param policy the addresses an upstream may resolve to ({@code mirror.allowed-networks}) */
  public CacheService(Database db, CacheStore store, EventLog events, SecretBox box, NetworkPolicy policy,
      Clock clock) {
    this.db = db;
    this.store = store;
    this.events = events;
    this.box = box;
    this.policy = policy;
    this.clock = clock;
  }

  /**
   * Creates a cache of {@code namespace} (a single path component: {@code dockerhub}).
   *
   * @throws MirrorException {@code ALREADY_EXISTS} when the namespace has a cache, {@code INVALID} for a
   *                         bad namespace, freshness or upstream (one resolving outside {@code mirror.allowed-networks} included)
   */
  public Cache create(String namespace, CacheChange settings, Caller caller) {
    if (namespace == null || namespace.contains("/") || !RepositoryName.isValid(namespace)) {
      throw invalid("namespace '" + namespace + "' is not a namespace (one lower-case path component such as dockerhub)");
    }
    if (settings.upstreams() == null || settings.upstreams().isEmpty()) {
      throw invalid("a cache needs at least one upstream");
    }
    Instant at = clock.instant();
    Duration freshness = freshness(settings.freshness() == null ? Cache.DEFAULT_FRESHNESS : settings.freshness());
    List<CacheUpstream> upstreams = upstreams(settings.upstreams());
    Cache draft = new Cache(0, namespace, freshness, upstreams, at, caller.actor(), at);
    Cache created = db.inTransaction(tx -> {
      long id = store.insert(tx, draft).orElseThrow(() -> new MirrorException(MirrorException.Kind.ALREADY_EXISTS,
          "namespace " + namespace + " already has a cache"));
      store.replaceUpstreams(tx, id, upstreams, seal(namespace, settings.upstreams()));
      events.append(tx, Event.change(EventType.CACHE_CREATED, at, caller, "cache " + id, null, describe(draft)));
      return store.find(tx, id).orElseThrow();
    });
    loaded = null;
    return created;
  }

  /** Applies a change in one transaction with one {@code cache.updated} event. */
  public Cache update(long id, CacheChange change, Caller caller) {
    Instant at = clock.instant();
    Duration freshness = change.freshness() == null ? null : freshness(change.freshness());
    List<CacheUpstream> upstreams = change.upstreams() == null ? null : upstreams(change.upstreams());
    if (upstreams != null && upstreams.isEmpty()) {
      throw invalid("a cache needs at least one upstream");
    }
    Cache updated = db.inTransaction(tx -> {
      Cache before = store.find(tx, id).orElseThrow(() -> notFound(id));
      Cache after = new Cache(id, before.namespace(), freshness == null ? before.freshness() : freshness,
          upstreams == null ? before.upstreams() : upstreams, before.createdAt(), before.createdBy(), at);
      store.update(tx, after);
      Map<String, String> detail = describe(after);
      if (upstreams != null) {
        store.replaceUpstreams(tx, id, upstreams, seal(after.namespace(), change.upstreams()));
        detail.put("credentials", "replaced with the upstreams");
      }
      events.append(tx, Event.change(EventType.CACHE_UPDATED, at, caller, "cache " + id, null, detail));
      return store.find(tx, id).orElseThrow();
    });
    loaded = null;
    return updated;
  }

  /** Deletes the cache; what it stored stays, as ordinary repositories of the namespace. */
  public void delete(long id, Caller caller) {
    db.inTransaction(tx -> {
      Cache cache = store.find(tx, id).orElseThrow(() -> notFound(id));
      store.delete(tx, id);
      events.append(tx, Event.change(EventType.CACHE_DELETED, clock.instant(), caller, "cache " + id, null,
          Map.of("namespace", cache.namespace())));
      return null;
    });
    loaded = null;
  }

  public Optional<Cache> find(long id) {
    return db.readOnly(tx -> store.find(tx, id));
  }

  public List<Cache> list() {
    return List.copyOf(caches().byNamespace().values());
  }

  /** The cache whose namespace holds the repository; empty for ordinary repositories. */
  public Optional<Cache> covering(RepositoryName repository) {
    Cache cache = caches().byNamespace().get(repository.namespace());
    return cache != null && cache.covers(repository) ? Optional.of(cache) : Optional.empty();
  }

  private Loaded caches() {
    Loaded current = loaded;
    Instant now = clock.instant();
    if (current == null || now.isAfter(current.at().plus(RELOAD)) || now.isBefore(current.at())) {
      Map<String, Cache> map = new LinkedHashMap<>();
      db.readOnly(store::all).forEach(c -> map.put(c.namespace(), c));
      current = new Loaded(map, now);
      loaded = current;
    }
    return current;
  }

  /** A deleted repository's cached tags and pending manifests go with it; the next pull fetches again. */
  @Override
  public void onDelete(Tx tx, RepositoryName repository) {
    store.forget(tx, repository);
  }

  /** The credentials of the cache's upstream at {@code position}, opened; empty for anonymous access. */
  Optional<UpstreamClient.Credentials> credentials(Cache cache, int position) {
    CacheUpstream upstream = cache.upstreams().get(position);
    if (upstream.username() == null) {
      return Optional.empty();
    }
    return db.readOnly(tx -> store.sealedPassword(tx, cache.id(), position)).map(sealed ->
        new UpstreamClient.Credentials(upstream.username(),
            new String(box.open(sealName(cache.namespace(), position), sealed), StandardCharsets.UTF_8)));
  }

  private List<byte[]> seal(String namespace, List<CacheChange.Spec> specs) {
    List<byte[]> sealed = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      UpstreamClient.Credentials credentials = specs.get(i).credentials();
      sealed.add(credentials == null || credentials.password() == null ? null
          : box.seal(sealName(namespace, i), credentials.password().getBytes(StandardCharsets.UTF_8)));
    }
    return sealed;
  }

  /** Sealed under the namespace and position, so a sealed value cannot be moved to another upstream's row. */
  private static String sealName(String namespace, int position) {
    return "cache-password:" + namespace + ":" + position;
  }

  private List<CacheUpstream> upstreams(List<CacheChange.Spec> specs) {
    if (specs.size() > Cache.MAX_UPSTREAMS) {
      throw invalid("a cache has at most " + Cache.MAX_UPSTREAMS + " upstreams");
    }
    List<CacheUpstream> upstreams = new ArrayList<>();
    for (CacheChange.Spec spec : specs) {
      String prefix = spec.prefix() == null || spec.prefix().isBlank() ? null : spec.prefix().strip();
      UpstreamClient.Credentials credentials = spec.credentials();
      if (credentials != null && (credentials.username() == null || credentials.username().isBlank())) {
        throw invalid("an upstream password needs a username");
      }
      CacheUpstream upstream = new CacheUpstream(spec.registry(), prefix,
          credentials == null ? null : credentials.username(), credentials != null && credentials.password() != null);
      try {
        // Any path shows whether registry and prefix make repository names.
        checkReachable(upstream.upstream("x").registry());
      } catch (IllegalArgumentException e) {
        throw invalid(e.getMessage());
      }
      upstreams.add(upstream);
    }
    return upstreams;
  }

  private static Duration freshness(Duration freshness) {
    if (freshness.isNegative() || freshness.compareTo(Cache.MAX_FRESHNESS) > 0) {
      throw invalid("freshness must be between PT0S (ask an upstream on every pull by tag) and "
          + Cache.MAX_FRESHNESS);
    }
    return freshness;
  }

  /** Refuses an upstream resolving to an address the server must not reach on a user's behalf. */
  private void checkReachable(java.net.URI registry) {
    try {
      policy.resolve(registry);
    } catch (NetworkPolicy.Refused e) {
      if (e.forbidden()) {
        throw invalid("upstream registry refused: " + e.getMessage());
      }
    }
  }

  private static Map<String, String> describe(Cache c) {
    Map<String, String> detail = new LinkedHashMap<>();
    detail.put("namespace", c.namespace());
    detail.put("freshness", c.freshness().toString());
    detail.put("upstreams", c.upstreams().stream()
        .map(u -> u.registry() + (u.prefix() == null ? "" : "/" + u.prefix())).collect(Collectors.joining(", ")));
    return detail;
  }

  private static MirrorException invalid(String message) {
    return new MirrorException(MirrorException.Kind.INVALID, message);
  }

  private static MirrorException notFound(long id) {
    return new MirrorException(MirrorException.Kind.NOT_FOUND, "no cache " + id);
  }
}
