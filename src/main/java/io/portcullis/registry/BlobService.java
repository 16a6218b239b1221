package io.portcullis.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventType;
import io.portcullis.metadata.Database;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RegistryError;
import io.portcullis.shared.RepositoryName;
import io.portcullis.storage.BlobSource;
import io.portcullis.storage.BlobStore;
import io.portcullis.storage.StagedUpload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import org.jdbi.v3.core.Handle;

/** Blobs as seen through repositories: a blob is readable in a repository once linked to it. */
public final class BlobService {
  private final Database db;
  private final BlobStore store;
  private final EventLog events;
  private final Clock clock;
  /**
   * Sizes of blobs known to be linked, by repository and digest: a pull asks for the same ones again
   * and again. Unlinking here drops the entry at once; another replica's unlink shows within the TTL.
   */
  private final Cache<String, Long> linked = Caffeine.newBuilder().maximumSize(100_000)
      .expireAfterWrite(Duration.ofSeconds(10)).build();

  public BlobService(Database db, BlobStore store, EventLog events, Clock clock) {
    this.db = db;
    this.store = store;
    this.events = events;
    this.clock = clock;
  }

  /** What the blob table holds: each stored blob once, however many repositories link it. */
  public record Usage(long blobs, long bytes) {}

  public Usage usage() {
    return db.read(h -> h.createQuery("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM blobs")
        .map((rs, ctx) -> new Usage(rs.getLong(1), rs.getLong(2))).one());
  }

  /** Size of the blob if it is linked to the repository. */
  public OptionalLong size(RepositoryName repository, Digest digest) {
    String key = repository.value() + '@' + digest;
    Long cached = linked.getIfPresent(key);
    if (cached != null) {
      return OptionalLong.of(cached);
    }
    OptionalLong size = db.read(h -> linkedSize(h, repository.value(), digest.toString(), ""));
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

  /** Unlinks the blob from the repository; its bytes go when no repository or manifest needs them. */
  public void delete(RepositoryName repository, Digest digest, Caller caller) {
    try {
      db.write(h -> {
        if (h.createUpdate("DELETE FROM repository_blobs WHERE repository = ? AND digest = ?")
            .bind(0, repository.value()).bind(1, digest.toString()).execute() == 0) {
          throw RegistryError.BLOB_UNKNOWN.exception(digest.toString());
        }
        events.append(h, Event.of(EventType.BLOB_DELETED, clock.instant(), caller, repository, digest, null, null));
        return null;
      });
    } finally {
      linked.invalidate(repository.value() + '@' + digest);
    }
  }

  /**
   * Links a blob readable in {@code from} into {@code target}. Returns false (nothing changed) when
   * the blob is not in {@code from}; the caller then falls back to a normal upload.
   */
  public boolean mount(RepositoryName target, RepositoryName from, Digest digest, Caller caller) {
    return db.write(h -> {
      OptionalLong size = linkedSize(h, from.value(), digest.toString(), db.dialect().forShare());
      if (size.isEmpty()) {
        return false;
      }
      java.time.Instant at = clock.instant();
      Repositories.ensure(h, events, target, at, caller);
      link(h, target.value(), digest.toString(), at.toEpochMilli());
      events.append(h, Event.of(EventType.BLOB_MOUNTED, at, caller, target, digest, null, null));
      return true;
    });
  }

  /**
   * Makes fully written, verified, fsync'd upload bytes the blob {@code digest} and links it to the
   * repository, atomically: after this returns the blob is durable and readable.
   */
  void commit(Handle h, RepositoryName repository, StagedUpload staged, Digest digest, long size, Caller caller) {
    java.time.Instant at = clock.instant();
    long now = at.toEpochMilli();
    Repositories.ensure(h, events, repository, at, caller);
    // The upsert takes the blob row's lock: the collector cannot remove these bytes until commit.
    h.createUpdate("INSERT INTO blobs(digest, size, created_at) VALUES (?, ?, ?) "
            + "ON CONFLICT (digest) DO UPDATE SET created_at = excluded.created_at")
        .bind(0, digest.toString()).bind(1, size).bind(2, now).execute();
    try {
      store.promote(staged, digest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    link(h, repository.value(), digest.toString(), now);
  }

  private static void link(Handle h, String repository, String digest, long now) {
    h.createUpdate("INSERT INTO repository_blobs(repository, digest, created_at) VALUES (?, ?, ?) "
            + "ON CONFLICT (repository, digest) DO NOTHING")
        .bind(0, repository).bind(1, digest).bind(2, now).execute();
  }

  static OptionalLong linkedSize(Handle h, String repository, String digest, String lock) {
    return h.createQuery("SELECT b.size FROM repository_blobs rb JOIN blobs b ON b.digest = rb.digest "
            + "WHERE rb.repository = ? AND rb.digest = ?" + lock)
        .bind(0, repository).bind(1, digest)
        .mapTo(Long.class).findOne().map(OptionalLong::of).orElse(OptionalLong.empty());
  }
}
