package io.portcullis.mirror;

import io.portcullis.mirror.upstream.UpstreamClient;
import io.portcullis.mirror.upstream.UpstreamException;
import io.portcullis.registry.UploadService;
import io.portcullis.shared.ByteSource;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RegistryError;
import io.portcullis.shared.RegistryException;
import io.portcullis.shared.RepositoryName;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one upstream blob into a repository through the registry's own upload path: streamed into an
 * upload session in chunks, resumed with a Range request after a broken connection, and committed only
 * when the registry's own hash of every byte matches the digest. Pull mirrors and the pull-through
 * cache share it; the cache also hands each received byte to a {@link Tap} (the waiting client).
 */
public final class BlobCopy {
  private static final Logger log = LoggerFactory.getLogger(BlobCopy.class);
  /** Blob bytes per upload chunk: a broken connection costs at most this much again. */
  private static final int CHUNK = 8 * 1024 * 1024;
  private static final int MAX_RESUMES = 5;

  /**
   * Sees the bytes as they are staged, each buffer with its offset in the blob. After a resume, bytes
   * from the last whole chunk on come again (with their offsets), so a tap keeps track of what it has.
   */
  @FunctionalInterface
  public interface Tap {
    void accept(long offset, ByteBuffer bytes);

    Tap NONE = (offset, bytes) -> {};
  }

  private final UploadService uploads;

  public BlobCopy(UploadService uploads) {
    this.uploads = uploads;
  }

  /**
   * Copies blob {@code digest} of {@code size} bytes (-1 when unknown) and returns the bytes received.
   *
   * @throws UpstreamException.Corrupt when the bytes do not match the digest or the size: nothing is stored
   */
  public long copy(UpstreamClient client, RepositoryName target, Digest digest, long size, Caller caller, Tap tap)
      throws IOException {
    UploadService.Status status = uploads.start(target);
    boolean committed = false;
    long received = 0;
    try {
      long offset = 0;
      for (int resumes = 0; ; resumes++) {
        try (UpstreamClient.BlobBody body = client.blob(digest, offset)) {
          while (true) {
            Chunk chunk = new Chunk(body.stream(), size < 0 ? Long.MAX_VALUE : size - offset + 1, offset, tap);
            status = uploads.append(target, status.id(), status.state(), null, -1, chunk);
            received += chunk.read;
            offset = status.offset();
            if (size >= 0 && offset > size) {
              throw new UpstreamException.Corrupt("blob " + digest + " from " + client.upstream()
                  + " is longer than the " + size + " bytes its descriptor says");
            }
            if (chunk.ended) {
              break;
            }
          }
          break;
        } catch (IOException e) {
          if (resumes >= MAX_RESUMES) {
            throw new UpstreamException("blob " + digest + " from " + client.upstream() + " broke off "
                + (resumes + 1) + " times: " + e.getMessage(), e);
          }
          // The chunk that broke was cut back: resume where the session stands.
          status = uploads.status(target, status.id(), status.state());
          offset = status.offset();
          log.info("{}: blob {} broke off at byte {}; resuming", target, digest, offset);
        }
      }
      if (size >= 0 && offset != size) {
        throw new UpstreamException.Corrupt("blob " + digest + " from " + client.upstream() + " has " + offset
            + " bytes, not the " + size + " its descriptor says");
      }
      try {
        uploads.complete(target, status.id(), status.state(), digest, null, -1, ByteSource.EMPTY, caller);
        committed = true;
      } catch (RegistryException e) {
        if (e.error() == RegistryError.DIGEST_INVALID) {
          committed = true;
          throw new UpstreamException.Corrupt("blob " + digest + " from " + client.upstream()
              + " does not match its digest (" + e.getMessage() + "); nothing was stored");
        }
        throw e;
      }
      return received;
    } finally {
      if (!committed) {
        uploads.discard(status.id());
      }
    }
  }

  /** Up to {@link #CHUNK} bytes of the upstream body (never more than {@code limit}), as an upload chunk. */
  private static final class Chunk implements ByteSource {
    private final InputStream in;
    private final long limit;
    private final long start;
    private final Tap tap;
    long read;
    boolean ended;

    Chunk(InputStream in, long limit, long start, Tap tap) {
      this.in = in;
      this.limit = limit;
      this.start = start;
      this.tap = tap;
    }

    @Override
    public void forEach(Sink sink) throws IOException {
      byte[] buffer = new byte[1 << 16];
      long max = Math.min(CHUNK, limit);
      while (read < max) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, max - read));
        if (n < 0) {
          ended = true;
          return;
        }
        sink.accept(ByteBuffer.wrap(buffer, 0, n));
        tap.accept(start + read, ByteBuffer.wrap(buffer, 0, n));
        read += n;
      }
      if (read >= limit) {
        // At the limit the upstream sent too much; the caller sees the offset past the size.
        ended = true;
      }
    }
  }
}
