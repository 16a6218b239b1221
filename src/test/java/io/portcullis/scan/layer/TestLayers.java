package io.portcullis.scan.layer;

import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds layer blobs for tests: small ones in memory, huge hostile ones lazily while they are read. */
public final class TestLayers {

  private TestLayers() {}

  /** One tar entry to write: a file, a directory, a symlink or a hard link. */
  public record Entry(String name, byte[] content, byte type, String linkTarget, int mode, long zeroBytes) {

    public static Entry file(String name, String content) {
      return new Entry(name, content.getBytes(StandardCharsets.UTF_8), TarConstants.LF_NORMAL, null, 0644, 0);
    }

    public static Entry file(String name, byte[] content) {
      return new Entry(name, content, TarConstants.LF_NORMAL, null, 0644, 0);
    }

    public static Entry executable(String name, byte[] content) {
      return new Entry(name, content, TarConstants.LF_NORMAL, null, 0755, 0);
    }

    /** A file of {@code size} zero bytes, produced while streaming, never held in memory. */
    public static Entry zeros(String name, long size) {
      return new Entry(name, new byte[0], TarConstants.LF_NORMAL, null, 0644, size);
    }

    public static Entry directory(String name) {
      return new Entry(name, new byte[0], TarConstants.LF_DIR, null, 0755, 0);
    }

    public static Entry symlink(String name, String target) {
      return new Entry(name, new byte[0], TarConstants.LF_SYMLINK, target, 0777, 0);
    }

    public static Entry hardlink(String name, String target) {
      return new Entry(name, new byte[0], TarConstants.LF_LINK, target, 0644, 0);
    }
  }

  public enum Format { TAR, GZIP, ZSTD }

  public static byte[] layer(Format format, Entry... entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = tar(compress(format, out))) {
      for (Entry entry : entries) {
        write(tar, entry);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] gzipLayer(Entry... entries) {
    return layer(Format.GZIP, entries);
  }

  /**
   * A layer generated while it is read: {@code entries} is pulled one entry at a time, compressed output
   * handed out in pieces, so layers of any size cost no memory.
   */
  public static InputStream lazyLayer(Format format, Iterator<Entry> entries) {
    return new InputStream() {
      private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
      private final OutputStream compressed;
      private final TarArchiveOutputStream tar;
      private byte[] buffer = new byte[0];
      private int position;
      private boolean finished;
      private Entry current;
      private long zerosLeft;
      private long rawBytes;

      {
        try {
          compressed = compress(format, pending);
          tar = tar(compressed);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] target, int offset, int length) throws IOException {
        while (position == buffer.length) {
          if (finished) {
            return -1;
          }
          refill();
        }
        int n = Math.min(length, buffer.length - position);
        System.arraycopy(buffer, position, target, offset, n);
        position += n;
        return n;
      }

      /** Produces at least 64 KiB of output (or the end), so sync flushes stay rare. */
      private void refill() throws IOException {
        rawBytes = 0;
        while (!finished && pending.size() < 64 * 1024 && rawBytes < (1 << 20)) {
          produce();
        }
        if (!finished) {
          // Flushing the tar stream would pad its record each time; the compressor is enough.
          compressed.flush();
        }
        buffer = pending.toByteArray();
        pending.reset();
        position = 0;
      }

      private void produce() throws IOException {
        if (current != null && zerosLeft > 0) {
          int chunk = (int) Math.min(zerosLeft, 1 << 20);
          tar.write(new byte[chunk]);
          zerosLeft -= chunk;
          rawBytes += chunk;
          if (zerosLeft == 0) {
            tar.closeArchiveEntry();
            current = null;
          }
        } else if (entries.hasNext()) {
          current = entries.next();
          if (current.zeroBytes() > 0) {
            TarArchiveEntry header = new TarArchiveEntry(current.name());
            header.setSize(current.zeroBytes());
            tar.putArchiveEntry(header);
            zerosLeft = current.zeroBytes();
          } else {
            write(tar, current);
            rawBytes += 512 + current.content().length;
            current = null;
          }
        } else {
          tar.close();
          finished = true;
        }
      }
    };
  }

  /** Entries generated on demand: {@code count} of them, the i-th made by {@code factory}. */
  public static Iterator<Entry> generated(long count, Function<Long, Entry> factory) {
    return new Iterator<>() {
      private long next;

      @Override
      public boolean hasNext() {
        return next < count;
      }

      @Override
      public Entry next() {
        return factory.apply(next++);
      }
    };
  }

  private static OutputStream compress(Format format, OutputStream out) throws IOException {
    return switch (format) {
      case TAR -> out;
      case GZIP -> new GZIPOutputStream(out, 64 * 1024, true);
      case ZSTD -> new ZstdOutputStream(out);
    };
  }

  private static TarArchiveOutputStream tar(OutputStream out) {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    return tar;
  }

  private static void write(TarArchiveOutputStream tar, Entry entry) throws IOException {
    TarArchiveEntry header = new TarArchiveEntry(entry.name(), entry.type(), true);
    header.setMode(entry.mode() | (entry.type() == TarConstants.LF_DIR ? 040000 : 0100000));
    if (entry.linkTarget() != null) {
      header.setLinkName(entry.linkTarget());
    }
    if (entry.type() == TarConstants.LF_NORMAL) {
      header.setSize(entry.zeroBytes() > 0 ? entry.zeroBytes() : entry.content().length);
    }
    tar.putArchiveEntry(header);
    if (entry.type() == TarConstants.LF_NORMAL) {
      tar.write(entry.content());
      byte[] zeros = new byte[64 * 1024];
      for (long left = entry.zeroBytes(); left > 0; left -= zeros.length) {
        tar.write(zeros, 0, (int) Math.min(left, zeros.length));
      }
    }
    tar.closeArchiveEntry();
  }
}
