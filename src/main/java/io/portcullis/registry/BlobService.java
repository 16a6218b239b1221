package io.portcullis.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventType;
import io.portcullis.metadata.Database;
import io.portcullis.metadata.Tx;
import io.portcullis.repository.RepositoryDeletionParticipant;
import io.portcullis.repository.RepositoryService;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RegistryError;
import io.portcullis.shared.RepositoryName;
import io.portcullis.storage.BlobSource;
import io.portcullis.storage.BlobStore;
import io.portcullis.storage.StagedUpload;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Blobs as seen through repositories: a blob is readable in a repository once linked to it. As a
 * {@link RepositoryDeletionParticipant} it unlinks a deleted repository's blobs.
 */
public final class BlobService implements RepositoryDeletionParticipant {
  private final Database db;
  private final BlobLinkStore links;
  private final BlobStore store;
  private final RepositoryService repositories;
  private final EventLog events;
  private final Clock clock;
  private final List<BlobLinkGuard> guards = new CopyOnWriteArrayList<>();
  /**
   * Sizes of blobs known to be linked, by repository and digest: a pull asks for the same ones again
   * and again. Unlinking here drops the entry at once; another replica's unlink shows within the TTL.
   */
  private final Cache<String, Long> linked = Caffeine.newBuilder().maximumSize(100_000)
      .expireAfterWrite(Duration.ofSeconds(10)).build();

  public BlobService(Database db, BlobLinkStore links, BlobStore store, RepositoryService repositories,
      EventLog events, Clock clock) {
    this.db = db;
    this.links = links;
    this.store = store;
    this.repositories = repositories;
    this.events = events;
    this.clock = clock;
  }

  /** What the blob table holds: each stored blob once, however many repositories link it. */
  public record Usage(long blobs, long bytes) {}

  public Usage usage() {
    return db.readOnly(links::usage);
  }

  /** Size of the blob if it is linked to the repository. */
  public OptionalLong size(RepositoryName repository, Digest digest) {
    String key = key(repository, digest);
    Long cached = linked.getIfPresent(key);
    if (cached != null) {
      return OptionalLong.of(cached);
    }
    OptionalLong size = db.readOnly(tx -> links.linkedSize(tx, repository, digest));
    size.ifPresent(s -> linked.put(key, s));
    return size;
  }

  /** Where to read a linked blob from; BLOB_UNKNOWN when it is not linked. */
  public BlobSource open(RepositoryName repository, Digest digest) throws IOException {
    OptionalLong size = size(repository, digest);
    if (size.isEmpty()) {
      throw RegistryError.BLOB_UNKNOWN.exception(digest.toString());
    }
    return store.source(digest, size.getAsLong());
  }

  /**
   * The bytes of a linked blob, for a reader inside the server (a push mirror) rather than a client;
   * BLOB_UNKNOWN when it is not linked.
   */
  public InputStream read(RepositoryName repository, Digest digest) throws IOException {
    return open(repository, digest).openStream();
  }

  /** Unlinks the blob from the repository; its bytes go when no repository or manifest needs them. */
  public void delete(RepositoryName repository, Digest digest, Caller caller) {
    try {
      db.inTransaction(tx -> {
        if (!links.unlink(tx, repository, digest)) {
          throw RegistryError.BLOB_UNKNOWN.exception(digest.toString());
        }
        events.append(tx, Event.of(EventType.BLOB_DELETED, clock.instant(), caller, repository, digest, null, null));
        return null;
      });
    } finally {
      linked.invalidate(key(repository, digest));
    }
  }

  /**
   * Links a blob readable in {@code from} into {@code target}. Returns false (nothing changed) when
   * the blob is not in {@code from}; the caller then falls back to a normal upload.
   */
  public boolean mount(RepositoryName target, RepositoryName from, Digest digest, Caller caller) {
    return db.inTransaction(tx -> mount(tx, target, from, digest, caller));
  }

  /**
   * {@link #mount} in the caller's transaction, for a copy of a whole manifest (a promotion): the link
   * guards (quotas) decide as for any other link.
   */
  boolean mount(Tx tx, RepositoryName target, RepositoryName from, Digest digest, Caller caller) {
    OptionalLong size = links.holdLinked(tx, from, digest);
    if (size.isEmpty()) {
      return false;
    }
    Instant at = clock.instant();
    guard(tx, target, digest, size.getAsLong(), caller);
    repositories.ensure(tx, target, caller);
    links.link(tx, target, digest, at.toEpochMilli());
    events.append(tx, Event.of(EventType.BLOB_MOUNTED, at, caller, target, digest, null, null));
    return true;
  }

  /** The size of the blob if linked to the repository, kept from deletion until commit (a manifest needs it). */
  OptionalLong holdLinked(Tx tx, RepositoryName repository, Digest digest) {
    return links.holdLinked(tx, repository, digest);
  }

  /**
   * Makes fully written, verified, fsync'd upload bytes the blob {@code digest} and links it to the
   * repository, in one transaction: after this returns the blob is durable and readable.
   */
  void commit(RepositoryName repository, StagedUpload staged, Digest digest, long size, Caller caller) {
    long now = clock.millis();
    db.inTransaction(tx -> {
      guard(tx, repository, digest, size, caller);
      repositories.ensure(tx, repository, caller);
      // The upsert takes the blob row's lock: the collector cannot remove these bytes until commit.
      links.upsertBlob(tx, digest, size, now);
      try {
        store.promote(staged, digest);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      links.link(tx, repository, digest, now);
      return null;
    });
  }

  /** Drops links garbage collection removed from this replica's cache. */
  void forget(RepositoryName repository, java.util.Collection<Digest> digests) {
    digests.forEach(digest -> linked.invalidate(key(repository, digest)));
  }

  /** Adds a check every new link must pass (wired at start-up, before the first request). */
  public void addLinkGuard(BlobLinkGuard guard) {
    guards.add(guard);
  }

  private void guard(Tx tx, RepositoryName repository, Digest digest, long size, Caller caller) {
    for (BlobLinkGuard guard : guards) {
      guard.beforeLink(tx, repository, digest, size, caller);
    }
  }

  /** A deleted repository's blob links; the blobs stay until garbage collection finds them unreferenced. */
  @Override
  public void onDelete(Tx tx, RepositoryName repository) {
    links.unlinkAll(tx, repository);
    // '@' cannot occur in a repository name, so the prefix matches this repository alone.
    tx.afterCommit(() -> linked.asMap().keySet().removeIf(key -> key.startsWith(repository.value() + '@')));
  }

  private static String key(RepositoryName repository, Digest digest) {
    return repository.value() + '@' + digest;
  }
}
