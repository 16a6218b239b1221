package io.portcullis.registry;

import io.portcullis.shared.ByteSource;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RegistryError;
import io.portcullis.shared.RegistryException;
import io.portcullis.shared.RepositoryName;
import io.portcullis.storage.BlobStore;
import io.portcullis.storage.StagedUpload;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Blob upload sessions (monolithic, POST+PUT and chunked PATCH). A session is its staged bytes plus a
 * signed token naming its repository, so starting or continuing one writes no metadata. Bytes are
 * hashed while they are staged, so completion needs no second read; the running hash lives in memory
 * and is rebuilt from the staged bytes when a session continues after a restart or on another replica.
 */
public final class UploadService {
  private final BlobStore store;
  private final BlobService blobs;
  private final Clock clock;
  private final long maxBlobBytes;
  private final byte[] stateKey;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  /** @param stateKey secret (shared by all replicas) that signs session tokens */
  public UploadService(BlobStore store, BlobService blobs, Clock clock, long maxBlobBytes, byte[] stateKey) {
    this.stateKey = stateKey.clone();
    this.store = store;
    this.blobs = blobs;
    this.clock = clock;
    this.maxBlobBytes = maxBlobBytes;
  }

  /**
   * State of an upload session: the next chunk must start at {@code offset}; {@code state} is the
   * signed token the client sends back with every request of the session (in the Location URL).
   */
  public record Status(String id, long offset, String state) {}

  public Status start(RepositoryName repository) throws IOException {
    String id = UUID.randomUUID().toString();
    try (StagedUpload staged = store.staging(id, true)) {
      sessions.put(id, new Session(Digest.newMessageDigest(Digest.SHA256), 0, clock.millis()));
      return new Status(id, staged.size(), sign(repository, id));
    }
  }

  public Status status(RepositoryName repository, String id, String state) throws IOException {
    requireSession(repository, id, state);
    try (StagedUpload staged = openStaged(id)) {
      return new Status(id, staged.size(), state);
    }
  }

  /**
   * Appends a chunk. {@code start} is the first byte's offset from Content-Range (null when the
   * client streams without one) and {@code length} the declared length (-1 when unknown); a chunk
   * that does not continue the upload exactly is refused and nothing is written.
   */
  public Status append(RepositoryName repository, String id, String state, Long start, long length, ByteSource body)
      throws IOException {
    requireSession(repository, id, state);
    try (StagedUpload staged = openStaged(id)) {
      Session session = session(id, staged);
      session.lock.lock();
      try {
        appendLocked(staged, session, start, length, body);
        session.used = clock.millis();
        return new Status(id, session.offset, state);
      } finally {
        session.lock.unlock();
      }
    }
  }

  /**
   * Completes the upload with an optional last chunk: verifies the digest, makes the bytes durable and
   * links the blob. A digest mismatch ends the session and stores nothing.
   */
  public long complete(RepositoryName repository, String id, String state, Digest expected, Long start, long length,
      ByteSource lastChunk, Caller caller) throws IOException {
    requireSession(repository, id, state);
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
          discard(id);
          throw RegistryError.DIGEST_INVALID.exception("content hashes to " + actual + ", not " + expected);
        }
        long size = session.offset;
        staged.sync();
        try {
          blobs.commit(repository, staged, expected, size, caller);
        } catch (RegistryException refused) {
          if (refused.error() == RegistryError.DENIED) {
            // A guard (a quota) refused the blob: its bytes go too, or they would stay until purged.
            discard(id);
          }
          throw refused;
        }
        sessions.remove(id);
        return size;
      } finally {
        session.lock.unlock();
      }
    } finally {
      staged.close();
    }
  }

  public void cancel(RepositoryName repository, String id, String state) throws IOException {
    requireSession(repository, id, state);
    discard(id);
  }

  /** Ends a session if it still exists: cleanup after a failed one-shot upload. */
  public void discard(String id) throws IOException {
    sessions.remove(id);
    try (StagedUpload staged = store.staging(id, false)) {
      staged.discard();
    } catch (NoSuchFileException e) {
      // already gone
    }
  }

  /** Forgets sessions idle for longer than {@code maxIdleMillis}, with their staged bytes. */
  public int purgeStale(long maxIdleMillis) throws IOException {
    long cutoff = clock.millis() - maxIdleMillis;
    sessions.values().removeIf(session -> session.used < cutoff && !session.lock.isLocked());
    return store.purgeStaging(maxIdleMillis);
  }

  /**
   * The session token: an HMAC of repository and id. It binds a session to the repository it was
   * started in without a database row per upload, and a forged or foreign id is simply unknown.
   */
  private String sign(RepositoryName repository, String id) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(stateKey, "HmacSHA256"));
      byte[] tag = mac.doFinal((repository.value() + '\n' + id).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
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

  private void requireSession(RepositoryName repository, String id, String state) {
    boolean known = isWellFormed(id) && state != null && MessageDigest.isEqual(
        sign(repository, id).getBytes(StandardCharsets.US_ASCII), state.getBytes(StandardCharsets.US_ASCII));
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
    Session rebuilt = new Session(sha256, size, clock.millis());
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
    volatile long used;

    Session(MessageDigest sha256, long offset, long used) {
      this.sha256 = sha256;
      this.offset = offset;
      this.used = used;
    }
  }
}
