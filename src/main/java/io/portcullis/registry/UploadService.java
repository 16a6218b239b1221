package io.portcullis.registry;

import io.portcullis.metadata.Database;
import io.portcullis.shared.ByteSource;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RegistryError;
import io.portcullis.shared.RegistryException;
import io.portcullis.shared.RepositoryName;
import io.portcullis.storage.BlobStore;
import io.portcullis.storage.StagedUpload;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Blob upload sessions (monolithic, POST+PUT and chunked PATCH). Bytes are hashed while they are
 * staged, so completion needs no second read; the running hash lives in memory and is rebuilt from
 * the staged bytes when a session continues after a restart or on another replica.
 */
public final class UploadService {
  private final Database db;
  private final BlobStore store;
  private final BlobService blobs;
  private final Clock clock;
  private final long maxBlobBytes;
  private static final long TOUCH_INTERVAL_MILLIS = 60_000;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  public UploadService(Database db, BlobStore store, BlobService blobs, Clock clock, long maxBlobBytes) {
    this.db = db;
    this.store = store;
    this.blobs = blobs;
    this.clock = clock;
    this.maxBlobBytes = maxBlobBytes;
  }

  /** State of an upload session: the next chunk must start at {@code offset}. */
  public record Status(String id, long offset) {}

  public Status start(RepositoryName repository) throws IOException {
    String id = UUID.randomUUID().toString();
    long now = clock.millis();
    try (StagedUpload staged = store.staging(id, true)) {
      db.write(h -> h.createUpdate("INSERT INTO uploads(id, repository, started_at, touched_at) VALUES (?, ?, ?, ?)")
          .bind(0, id).bind(1, repository.value()).bind(2, now).bind(3, now).execute());
      sessions.put(id, new Session(Digest.newMessageDigest(Digest.SHA256), 0));
      return new Status(id, staged.size());
    }
  }

  public Status status(RepositoryName repository, String id) throws IOException {
    requireSession(repository, id);
    try (StagedUpload staged = openStaged(id)) {
      return new Status(id, staged.size());
    }
  }

  /**
   * Appends a chunk. {@code start} is the first byte's offset from Content-Range (null when the
   * client streams without one) and {@code length} the declared length (-1 when unknown); a chunk
   * that does not continue the upload exactly is refused and nothing is written.
   */
  public Status append(RepositoryName repository, String id, Long start, long length, ByteSource body)
      throws IOException {
    requireSession(repository, id);
    try (StagedUpload staged = openStaged(id)) {
      Session session = session(id, staged);
      session.lock.lock();
      try {
        appendLocked(staged, session, start, length, body);
        touch(id, session);
        return new Status(id, session.offset);
      } finally {
        session.lock.unlock();
      }
    }
  }

  /**
   * Completes the upload with an optional last chunk: verifies the digest, makes the bytes durable and
   * links the blob. A digest mismatch ends the session and stores nothing.
   */
  public long complete(RepositoryName repository, String id, Digest expected, Long start, long length,
      ByteSource lastChunk) throws IOException {
    requireSession(repository, id);
    StagedUpload staged = openStaged(id);
    try {
      Session session = session(id, staged);
      session.lock.lock();
      try {
        appendLocked(staged, session, start, length, lastChunk);
        Digest actual = expected.algorithm().equals(Digest.SHA256)
            ? Digest.of(Digest.SHA256, clone(session.sha256).digest())
            : hash(staged, expected.algorithm());
        if (!actual.equals(expected)) {
          abandon(id, staged);
          throw RegistryError.DIGEST_INVALID.exception("content hashes to " + actual + ", not " + expected);
        }
        long size = session.offset;
        staged.sync();
        long now = clock.millis();
        db.write(h -> {
          blobs.commit(h, repository, staged, expected, size, now);
          h.createUpdate("DELETE FROM uploads WHERE id = ?").bind(0, id).execute();
          return null;
        });
        sessions.remove(id);
        return size;
      } finally {
        session.lock.unlock();
      }
    } finally {
      staged.close();
    }
  }

  public void cancel(RepositoryName repository, String id) throws IOException {
    requireSession(repository, id);
    try (StagedUpload staged = openStaged(id)) {
      abandon(id, staged);
    }
  }

  /** Ends a session if it still exists, whatever its repository: cleanup after a failed one-shot upload. */
  public void discard(String id) throws IOException {
    sessions.remove(id);
    db.write(h -> h.createUpdate("DELETE FROM uploads WHERE id = ?").bind(0, id).execute());
    try (StagedUpload staged = store.staging(id, false)) {
      staged.discard();
    } catch (NoSuchFileException e) {
      // already gone with the failed completion
    }
  }

  /** Forgets sessions idle for longer than {@code maxIdleMillis}, with their staged bytes. */
  public int purgeStale(long maxIdleMillis) throws IOException {
    long cutoff = clock.millis() - maxIdleMillis;
    var stale = db.read(h -> h.createQuery("SELECT id FROM uploads WHERE touched_at < ?").bind(0, cutoff)
        .mapTo(String.class).list());
    for (String id : stale) {
      db.write(h -> h.createUpdate("DELETE FROM uploads WHERE id = ?").bind(0, id).execute());
      sessions.remove(id);
    }
    return stale.size() + store.purgeStaging(maxIdleMillis);
  }

  private void appendLocked(StagedUpload staged, Session session, Long start, long length, ByteSource body)
      throws IOException {
    if (start != null && start != session.offset) {
      throw new RegistryException(RegistryError.REQUESTED_RANGE_NOT_SATISFIABLE, new RangeDetail(session.offset));
    }
    long before = session.offset;
    if (length >= 0 && before + length > maxBlobBytes) {
      throw RegistryError.SIZE_INVALID.exception("blob exceeds the limit of " + maxBlobBytes + " bytes");
    }
    MessageDigest rollback = clone(session.sha256);
    long[] written = {0};
    try {
      body.forEach(buffer -> {
        written[0] += buffer.remaining();
        if (before + written[0] > maxBlobBytes) {
          throw RegistryError.SIZE_INVALID.exception("blob exceeds the limit of " + maxBlobBytes + " bytes");
        }
        ByteBuffer forHash = buffer.duplicate();
        session.sha256.update(forHash);
        staged.write(buffer);
      });
      if (length >= 0 && written[0] != length) {
        throw RegistryError.SIZE_INVALID.exception("received " + written[0] + " bytes, declared " + length);
      }
      session.offset = before + written[0];
    } catch (IOException | RuntimeException e) {
      staged.truncate(before);
      session.sha256 = rollback;
      throw e;
    }
  }

  private void abandon(String id, StagedUpload staged) throws IOException {
    db.write(h -> h.createUpdate("DELETE FROM uploads WHERE id = ?").bind(0, id).execute());
    sessions.remove(id);
    staged.discard();
  }

  /** Keeps an active session from expiring; at most one write a minute per session, not one per chunk. */
  private void touch(String id, Session session) {
    long now = clock.millis();
    if (now - session.touched < TOUCH_INTERVAL_MILLIS) {
      return;
    }
    session.touched = now;
    db.write(h -> h.createUpdate("UPDATE uploads SET touched_at = ? WHERE id = ?").bind(0, now).bind(1, id).execute());
  }

  private void requireSession(RepositoryName repository, String id) {
    boolean known = isWellFormed(id) && db.read(h -> h.createQuery("SELECT 1 FROM uploads WHERE id = ? AND repository = ?")
        .bind(0, id).bind(1, repository.value()).mapTo(Integer.class).findOne().isPresent());
    if (!known) {
      throw RegistryError.BLOB_UPLOAD_UNKNOWN.exception();
    }
  }

  private StagedUpload openStaged(String id) throws IOException {
    try {
      return store.staging(id, false);
    } catch (NoSuchFileException e) {
      throw RegistryError.BLOB_UPLOAD_UNKNOWN.exception();
    }
  }

  private Session session(String id, StagedUpload staged) throws IOException {
    Session session = sessions.get(id);
    if (session != null) {
      return session;
    }
    MessageDigest sha256 = Digest.newMessageDigest(Digest.SHA256);
    long size;
    try (InputStream in = staged.read()) {
      size = feed(in, sha256);
    }
    Session rebuilt = new Session(sha256, size);
    Session raced = sessions.putIfAbsent(id, rebuilt);
    return raced == null ? rebuilt : raced;
  }

  private static Digest hash(StagedUpload staged, String algorithm) throws IOException {
    MessageDigest md = Digest.newMessageDigest(algorithm);
    try (InputStream in = staged.read()) {
      feed(in, md);
    }
    return Digest.of(algorithm, md.digest());
  }

  private static long feed(InputStream in, MessageDigest md) throws IOException {
    byte[] buffer = new byte[1 << 16];
    long total = 0;
    for (int n; (n = in.read(buffer)) > 0; ) {
      md.update(buffer, 0, n);
      total += n;
    }
    return total;
  }

  private static MessageDigest clone(MessageDigest md) {
    try {
      return (MessageDigest) md.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("JDK SHA digests are cloneable", e);
    }
  }

  private static boolean isWellFormed(String id) {
    if (id.length() != 36) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!((c >= 'a' && c <= 'f') || (c >= '0' && c <= '9') || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** Tells the client where the upload stands after a refused chunk. */
  public record RangeDetail(long offset) {}

  private static final class Session {
    final ReentrantLock lock = new ReentrantLock();
    MessageDigest sha256;
    long offset;
    long touched = System.currentTimeMillis();

    Session(MessageDigest sha256, long offset) {
      this.sha256 = sha256;
      this.offset = offset;
    }
  }
}
