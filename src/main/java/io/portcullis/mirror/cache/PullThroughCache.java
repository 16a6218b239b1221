package io.portcullis.mirror.cache;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventType;
import io.portcullis.metadata.Database;
import io.portcullis.mirror.BlobCopy;
import io.portcullis.mirror.upstream.UpstreamClient;
import io.portcullis.mirror.upstream.UpstreamConnector;
import io.portcullis.mirror.upstream.UpstreamException;
import io.portcullis.registry.BlobService;
import io.portcullis.registry.Descriptor;
import io.portcullis.registry.ManifestParser;
import io.portcullis.registry.ManifestService;
import io.portcullis.registry.ParsedManifest;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RegistryError;
import io.portcullis.shared.RegistryException;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.Tag;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the repositories of a cache namespace, fetching what is not stored from the cache's
 * upstreams, in order, and storing it through the registry's own push path (so it is verified,
 * evented and scanned on push like any push).
 *
 * <p>The registry stores a manifest only once it has everything the manifest references, but a client
 * pulls the manifest first and its blobs after. So a fetched manifest (digest verified, bytes
 * unchanged) is first kept <em>pending</em> in the cache's own table and served from there; each blob
 * a client then asks for streams to it while it is stored ({@link #blob}), and a pending manifest goes
 * into the registry (with its tags) as soon as its content is all there.
 *
 * <p>Tags are trusted for the cache's freshness window, then revalidated with a HEAD (free on Docker
 * Hub): the same digest costs nothing more, a new one is fetched. When no upstream answers (down, 429,
 * tag gone), the cached copy is served with a warning instead of failing. Manifests by digest and blobs
 * never change, so what is stored is served without asking anyone.
 */
public final class PullThroughCache {
  private static final Logger log = LoggerFactory.getLogger(PullThroughCache.class);
  private static final int MAX_CLIENTS = 1000;
  private static final Duration CLIENT_IDLE = Duration.ofMinutes(10);

  /** Told of what the cache does, for metrics; namespaces name the cache. */
  public interface Listener {
    /** Served from what is stored (or pending) without asking an upstream, or after a HEAD said it is current. */
    void hit(String namespace);

    /** Not stored, or a tag an upstream moved: fetched. */
    void miss(String namespace);

    /** One manifest or blob fetched from an upstream. */
    void fetched(String namespace, String kind);

    /** The cached copy of a tag served because no upstream could confirm it. */
    void staleServed(String namespace);

    Listener NONE = new Listener() {
      @Override
      public void hit(String namespace) {}

      @Override
      public void miss(String namespace) {}

      @Override
      public void fetched(String namespace, String kind) {}

      @Override
      public void staleServed(String namespace) {}
    };
  }

  /** A manifest to serve; {@code warning} (null when fresh) says why a cached copy is served unconfirmed. */
  public record Served(ManifestService.Manifest manifest, String warning) {}

  /** Where a fetched blob's bytes go as they arrive (the client waiting for them). */
  public interface Receiver {
    /** Before the first byte: the blob's size. */
    void start(long size) throws IOException;

    void write(ByteBuffer bytes) throws IOException;

    /** After the last byte, once the blob is verified and stored. */
    void finish() throws IOException;
  }

  private record ClientKey(long cache, Instant version, int position, String path) {}

  private record Fetched(int position, UpstreamClient.Manifest manifest) {}

  private final CacheService caches;
  private final CacheStore store;
  private final Database db;
  private final ManifestService manifests;
  private final BlobService blobs;
  private final BlobCopy copier;
  private final EventLog events;
  private final Clock clock;
  private final Listener listener;
  private final Map<Long, Cache> versions = new java.util.concurrent.ConcurrentHashMap<>();
  private final LoadingCache<ClientKey, UpstreamClient> clients;

  public PullThroughCache(CacheService caches, CacheStore store, Database db, UpstreamConnector connector,
      ManifestService manifests, BlobService blobs, BlobCopy copier, EventLog events, Clock clock,
      Listener listener) {
    this.caches = caches;
    this.store = store;
    this.db = db;
    this.manifests = manifests;
    this.blobs = blobs;
    this.copier = copier;
    this.events = events;
    this.clock = clock;
    this.listener = listener;
    // One client per upstream repository keeps its tokens between pulls. No pause: a client waiting
    // for a rate limit to refill is better served the cached copy at once.
    this.clients = Caffeine.newBuilder().maximumSize(MAX_CLIENTS).expireAfterAccess(CLIENT_IDLE)
        .build(key -> {
          Cache cache = versions.get(key.cache());
          return connector.connect(cache.upstreams().get(key.position()).upstream(key.path()),
              caches.credentials(cache, key.position()).orElse(null), null);
        });
  }

  /** The cache whose namespace holds the repository; empty for ordinary repositories. */
  public Optional<Cache> covering(RepositoryName repository) {
    return caches.covering(repository);
  }

  /**
   * A manifest of a cache repository: stored, pending, or fetched now. The caller has checked that the
   * client may pull the repository.
   *
   * @param pulled whether to record a pull (GET, not HEAD)
   * @throws RegistryException {@code MANIFEST_UNKNOWN} when no upstream has it, {@code TOO_MANY_REQUESTS}
   *                           or {@code UPSTREAM_UNAVAILABLE} when it is not cached and no upstream could answer
   */
  public Served manifest(Cache cache, RepositoryName name, ManifestService.Reference reference, boolean pulled,
      Caller caller) {
    return switch (reference) {
      case ManifestService.ByDigest byDigest -> {
        Optional<ManifestService.Manifest> cached = cached(name, byDigest.digest(), pulled, caller);
        if (cached.isPresent()) {
          listener.hit(cache.namespace());
          yield new Served(cached.get(), null);
        }
        listener.miss(cache.namespace());
        yield new Served(keep(cache, name, fetch(cache, name, byDigest.digest().toString()), null, caller), null);
      }
      case ManifestService.ByTag byTag -> byTag(cache, name, byTag.tag(), pulled, caller);
    };
  }

  private Served byTag(Cache cache, RepositoryName name, Tag tag, boolean pulled, Caller caller) {
    Optional<CacheStore.CachedTag> row = db.readOnly(tx -> store.tag(tx, name, tag.value()));
    Optional<ManifestService.Manifest> cached = row.flatMap(r -> cachedTag(name, tag, r.digest(), pulled, caller));
    if (cached.isEmpty()) {
      listener.miss(cache.namespace());
      return new Served(keep(cache, name, fetch(cache, name, tag.value()), tag, caller), null);
    }
    if (clock.instant().isBefore(row.get().checkedAt().plus(cache.freshness()))) {
      listener.hit(cache.namespace());
      return new Served(cached.get(), null);
    }
    List<String> problems = new ArrayList<>();
    for (int position = 0; position < cache.upstreams().size(); position++) {
      UpstreamClient client = client(cache, position, name);
      try {
        Optional<UpstreamClient.ManifestHead> head = client.head(tag.value());
        if (head.isEmpty()) {
          problems.add(client.upstream() + " has no tag " + tag);
          continue;
        }
        Optional<Digest> digest = head.get().digest();
        if (digest.isPresent() && digest.get().equals(row.get().digest())) {
          return confirmed(cache, name, tag, row.get().digest(), cached.get());
        }
        Optional<UpstreamClient.Manifest> manifest = client.manifest(digest.map(Digest::toString).orElse(tag.value()));
        listener.fetched(cache.namespace(), "manifest");
        if (manifest.isEmpty()) {
          problems.add(client.upstream() + " has no tag " + tag);
          continue;
        }
        if (manifest.get().digest().equals(row.get().digest())) {
          // An upstream whose HEAD names no digest: the GET showed the tag unchanged.
          return confirmed(cache, name, tag, row.get().digest(), cached.get());
        }
        listener.miss(cache.namespace());
        return new Served(keep(cache, name, new Fetched(position, manifest.get()), tag, caller), null);
      } catch (UpstreamException e) {
        problems.add(e.getMessage());
      }
    }
    listener.staleServed(cache.namespace());
    String why = String.join("; ", problems);
    log.warn("cache {}: serving {}:{} as cached at {}, unconfirmed: {}", cache.namespace(), name, tag,
        row.get().checkedAt(), why);
    return new Served(cached.get(), "cached copy of " + row.get().checkedAt() + ", not confirmed upstream: " + why);
  }

  /** An upstream confirmed the cached tag: its freshness window starts again. */
  private Served confirmed(Cache cache, RepositoryName name, Tag tag, Digest digest, ManifestService.Manifest cached) {
    db.inTransaction(tx -> {
      store.putTag(tx, cache.id(), name, tag.value(), digest, clock.instant());
      return null;
    });
    listener.hit(cache.namespace());
    return new Served(cached, null);
  }

  /** The manifest as stored in the registry or pending here; empty when neither. */
  private Optional<ManifestService.Manifest> cached(RepositoryName name, Digest digest, boolean pulled, Caller caller) {
    Optional<ManifestService.Manifest> stored = stored(name, new ManifestService.ByDigest(digest), pulled, caller);
    if (stored.isPresent()) {
      return stored;
    }
    return db.readOnly(tx -> store.pending(tx, name, digest)).map(p -> new ManifestService.Manifest(p.digest(),
        p.mediaType(), p.payload().length, p.payload()));
  }

  /** As {@link #cached}, read through the registry's tag when it agrees, so the pull is recorded as by tag. */
  private Optional<ManifestService.Manifest> cachedTag(RepositoryName name, Tag tag, Digest digest, boolean pulled,
      Caller caller) {
    Optional<ManifestService.Manifest> byTag = stored(name, new ManifestService.ByTag(tag), false, caller);
    if (byTag.isPresent() && byTag.get().digest().equals(digest)) {
      return stored(name, new ManifestService.ByTag(tag), pulled, caller);
    }
    return cached(name, digest, pulled, caller);
  }

  private Optional<ManifestService.Manifest> stored(RepositoryName name, ManifestService.Reference reference,
      boolean pulled, Caller caller) {
    try {
      return Optional.of(manifests.get(name, reference, pulled, caller));
    } catch (RegistryException e) {
      if (e.error() == RegistryError.MANIFEST_UNKNOWN || e.error() == RegistryError.NAME_UNKNOWN) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The manifest from the first upstream that has it. */
  private Fetched fetch(Cache cache, RepositoryName name, String reference) {
    List<String> problems = new ArrayList<>();
    boolean limited = false;
    for (int position = 0; position < cache.upstreams().size(); position++) {
      UpstreamClient client = client(cache, position, name);
      try {
        Optional<UpstreamClient.Manifest> manifest = client.manifest(reference);
        listener.fetched(cache.namespace(), "manifest");
        if (manifest.isPresent()) {
          return new Fetched(position, manifest.get());
        }
      } catch (UpstreamException e) {
        limited |= e instanceof UpstreamException.RateLimited || e.status() == 429;
        problems.add(e.getMessage());
      }
    }
    if (problems.isEmpty()) {
      throw RegistryError.MANIFEST_UNKNOWN.exception(name + ":" + reference + " is in none of the upstreams of cache "
          + cache.namespace());
    }
    String why = "cache " + cache.namespace() + " holds no " + name + ":" + reference + " and no upstream answered: "
        + String.join("; ", problems);
    throw (limited ? RegistryError.TOO_MANY_REQUESTS : RegistryError.UPSTREAM_UNAVAILABLE).exception(why);
  }

  /**
   * Records what was fetched (the tag, and the manifest as pending unless the registry has it), stores
   * whatever is complete, and returns the manifest.
   */
  private ManifestService.Manifest keep(Cache cache, RepositoryName name, Fetched fetched, Tag tag, Caller caller) {
    UpstreamClient.Manifest m = fetched.manifest();
    // Refuses what the registry could never store (schema 1, malformed) before anything is kept.
    ManifestParser.parse(m.mediaType(), m.payload(), m.digest().algorithm());
    Optional<ManifestService.Manifest> stored = stored(name, new ManifestService.ByDigest(m.digest()), false, caller);
    Instant at = clock.instant();
    db.inTransaction(tx -> {
      if (stored.isEmpty()) {
        store.putPending(tx, cache.id(), new CacheStore.Pending(name, m.digest(), m.mediaType(), m.payload(),
            fetched.position(), at));
      }
      if (tag != null) {
        store.putTag(tx, cache.id(), name, tag.value(), m.digest(), at);
      }
      return null;
    });
    if (stored.isPresent() && tag != null) {
      // Content already here (a tag moved back, or to an image another tag has): only the tag moves.
      manifests.put(name, new ManifestService.ByTag(tag), m.mediaType(), m.payload(), writer(cache, caller));
    }
    complete(cache, name, caller);
    return new ManifestService.Manifest(m.digest(), m.mediaType(), m.payload().length, m.payload());
  }

  /**
   * Fetches a blob of a pending manifest of the repository, handing its bytes to {@code receiver} (null:
   * store only) as they arrive, and stores it once its digest is verified; then stores what became
   * complete. A blob no pending manifest names is unknown: clients cannot make the server fetch
   * arbitrary digests. The last byte is held back until the digest is verified, so a client never
   * receives a whole blob that was not stored; a corrupt one ends the response short.
   *
   * <p>A client that goes away does not stop the copy: the blob is stored all the same (the next
   * client gets it locally), then the client's write failure is thrown.
   *
   * @throws RegistryException {@code BLOB_UNKNOWN} for a blob no pending manifest names,
   *                           {@code UPSTREAM_UNAVAILABLE} when no upstream delivered it intact
   */
  public void blob(Cache cache, RepositoryName name, Digest digest, Caller caller, Receiver receiver)
      throws IOException {
    CacheStore.Pending owner = null;
    Descriptor descriptor = null;
    for (CacheStore.Pending pending : db.readOnly(tx -> store.pendingIn(tx, name))) {
      ParsedManifest parsed = ManifestParser.parse(pending.mediaType(), pending.payload(), pending.digest().algorithm());
      descriptor = parsed.blobs().stream().filter(d -> !d.foreign() && d.digest().equals(digest)).findFirst()
          .orElse(null);
      if (descriptor != null) {
        owner = pending;
        break;
      }
    }
    if (owner == null) {
      throw RegistryError.BLOB_UNKNOWN.exception(digest + " (not stored, and no manifest fetched into " + name
          + " names it)");
    }
    listener.miss(cache.namespace());
    List<Integer> order = new ArrayList<>();
    if (owner.upstream() < cache.upstreams().size()) {
      order.add(owner.upstream());
    }
    for (int position = 0; position < cache.upstreams().size(); position++) {
      if (position != owner.upstream()) {
        order.add(position);
      }
    }
    List<String> problems = new ArrayList<>();
    for (int position : order) {
      UpstreamClient client = client(cache, position, name);
      Tee tee = new Tee(receiver, descriptor.size());
      try {
        copier.copy(client, name, digest, descriptor.size(), writer(cache, caller), tee);
        listener.fetched(cache.namespace(), "blob");
      } catch (UpstreamException e) {
        log.warn("cache {}: blob {} of {} from {}: {}", cache.namespace(), digest, name, client.upstream(),
            e.getMessage());
        if (tee.sent > 0) {
          // Part of it is on its way to the client: another upstream's bytes cannot continue them.
          throw RegistryError.UPSTREAM_UNAVAILABLE.exception(e.getMessage());
        }
        problems.add(e.getMessage());
        continue;
      }
      complete(cache, name, caller);
      tee.finish();
      return;
    }
    throw RegistryError.UPSTREAM_UNAVAILABLE.exception("cache " + cache.namespace() + " could not fetch blob " + digest
        + ": " + String.join("; ", problems));
  }

  /** Stores every pending manifest of the repository whose content is all there, children before parents. */
  private void complete(Cache cache, RepositoryName name, Caller caller) {
    Caller writer = writer(cache, caller);
    boolean progress = true;
    while (progress) {
      progress = false;
      for (CacheStore.Pending pending : db.readOnly(tx -> store.pendingIn(tx, name))) {
        ParsedManifest parsed = ManifestParser.parse(pending.mediaType(), pending.payload(),
            pending.digest().algorithm());
        boolean ready = parsed.blobs().stream().allMatch(d -> d.foreign() || blobs.size(name, d.digest()).isPresent())
            && parsed.children().stream().allMatch(d ->
                stored(name, new ManifestService.ByDigest(d.digest()), false, writer).isPresent());
        if (!ready) {
          continue;
        }
        List<String> tags = db.readOnly(tx -> store.tagsAt(tx, name, pending.digest()));
        try {
          if (tags.isEmpty()) {
            manifests.put(name, new ManifestService.ByDigest(pending.digest()), pending.mediaType(), pending.payload(),
                writer);
          }
          for (String tag : tags) {
            manifests.put(name, new ManifestService.ByTag(new Tag(tag)), pending.mediaType(), pending.payload(),
                writer);
          }
        } catch (RegistryException e) {
          // A blob collected meanwhile, an immutable tag: it stays pending and served from here.
          log.warn("cache {}: storing {}@{} failed: {}", cache.namespace(), name, pending.digest(), e.getMessage());
          continue;
        }
        Instant at = clock.instant();
        String upstream = pending.upstream() < cache.upstreams().size()
            ? cache.upstreams().get(pending.upstream()).upstream(cache.upstreamPath(name)).toString() : "";
        db.inTransaction(tx -> {
          if (store.deletePending(tx, name, pending.digest())) {
            events.append(tx, new Event(0, EventType.IMAGE_CACHED, at, writer, name, pending.digest(),
                tags.isEmpty() ? null : new Tag(tags.getFirst()), pending.mediaType(), "cache " + cache.id(),
                Map.of("upstream", upstream, "tags", String.join(",", tags))));
          }
          return null;
        });
        progress = true;
      }
    }
  }

  /** What the cache writes under: itself, on behalf of the client whose pull caused it. */
  private static Caller writer(Cache cache, Caller caller) {
    return new Caller("cache:" + cache.namespace(), caller.client(), caller.requestId());
  }

  private UpstreamClient client(Cache cache, int position, RepositoryName name) {
    versions.merge(cache.id(), cache, (old, now) -> now.updatedAt().isAfter(old.updatedAt()) ? now : old);
    try {
      return clients.get(new ClientKey(cache.id(), cache.updatedAt(), position, cache.upstreamPath(name)));
    } catch (IllegalArgumentException e) {
      // The local path makes no upstream repository name (e.g. too long with the prefix).
      throw RegistryError.NAME_INVALID.exception(e.getMessage());
    }
  }

  /**
   * Hands staged bytes to the client once each (a resumed chunk comes again), holding the last byte
   * back until the blob is stored. A client that fails is dropped; its failure is thrown at the end.
   */
  static final class Tee implements BlobCopy.Tap {
    private final Receiver receiver;
    private final long size;
    long sent;
    private byte last;
    private boolean started;
    private IOException gone;

    Tee(Receiver receiver, long size) {
      this.receiver = receiver;
      this.size = size;
    }

    @Override
    public void accept(long offset, ByteBuffer bytes) {
      long end = offset + bytes.remaining();
      if (size > 0 && offset <= size - 1 && end > size - 1) {
        last = bytes.get(bytes.position() + (int) (size - 1 - offset));
      }
      long from = Math.max(sent, offset);
      long to = Math.min(end, size - 1);
      if (receiver == null || gone != null || to <= from) {
        return;
      }
      ByteBuffer slice = bytes.duplicate();
      slice.limit(bytes.position() + (int) (to - offset));
      slice.position(bytes.position() + (int) (from - offset));
      try {
        start();
        receiver.write(slice);
        sent = to;
      } catch (IOException e) {
        gone = e;
      }
    }

    private void start() throws IOException {
      if (!started) {
        started = true;
        receiver.start(size);
      }
    }

    void finish() throws IOException {
      if (receiver == null) {
        return;
      }
      if (gone != null) {
        throw gone;
      }
      start();
      if (size > 0) {
        receiver.write(ByteBuffer.wrap(new byte[] {last}));
      }
      receiver.finish();
    }
  }
}
