package io.portcullis.scan.layer;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads one layer blob once, as a stream: detects its compression, walks the tar (GNU and PAX long
 * names included) and hands normalised entries to a {@link LayerVisitor}. Nothing is extracted and
 * nothing is buffered here; entries whose path would leave the layer root are reported as rejected.
 */
public final class LayerReader {

  private static final String WHITEOUT_PREFIX = ".wh.";
  private static final String OPAQUE_MARKER = ".wh..wh..opq";
  /** Header records, padding and PAX attributes (xattrs, SELinux labels) besides the names. */
  private static final long HEADER_BUDGET_BASE = 1024 * 1024;

  private LayerReader() {}

  /**
   * Streams {@code blob} (compressed or not) to {@code visitor}. Does not close {@code blob}.
   *
   * @throws HostileLayerException when a {@link LayerLimits} bound is exceeded, even if the visitor
   *     caught the exception while reading a file
   * @throws LayerException when the blob is not a readable layer
   */
  public static void read(InputStream blob, LayerLimits limits, LayerVisitor visitor) throws IOException {
    MeteredStreams meter = new MeteredStreams(limits);
    BufferedInputStream raw = new BufferedInputStream(meter.compressedSide(new NonClosing(blob)),
        64 * 1024);
    Compression compression = Compression.detect(raw);
    InputStream tarBytes;
    try {
      tarBytes = meter.uncompressedSide(compression.decompress(raw));
    } catch (IOException e) {
      throw new LayerException("cannot open " + compression + " layer: " + e.getMessage(), e);
    }
    try (TarArchiveInputStream tar = new TarArchiveInputStream(tarBytes)) {
      long entries = 0;
      while (true) {
        TarArchiveEntry entry = nextEntry(tar, meter, limits);
        if (entry == null) {
          break;
        }
        if (++entries > limits.maxEntries()) {
          meter.fail(new HostileLayerException(HostileLayerException.Reason.TOO_MANY_ENTRIES,
              "more than " + limits.maxEntries() + " entries"));
        }
        visit(entry, tar, limits, meter, visitor);
        meter.throwIfFailed();
      }
    }
    meter.throwIfFailed();
  }

  private static TarArchiveEntry nextEntry(TarArchiveInputStream tar, MeteredStreams meter, LayerLimits limits)
      throws IOException {
    try {
      // What the visitor left of the previous entry is skipped outside the header budget.
      if (tar.getCurrentEntry() != null) {
        tar.skip(Long.MAX_VALUE);
      }
      meter.beginHeaders(HEADER_BUDGET_BASE + 2L * limits.maxPathBytes());
      TarArchiveEntry entry = tar.getNextEntry();
      meter.endHeaders();
      return entry;
    } catch (HostileLayerException e) {
      throw e;
    } catch (IOException | IllegalArgumentException e) {
      meter.throwIfFailed();
      throw new LayerException("malformed layer tar: " + e.getMessage(), e);
    }
  }

  private static void visit(TarArchiveEntry entry, TarArchiveInputStream tar, LayerLimits limits,
      MeteredStreams meter, LayerVisitor visitor) throws IOException {
    String name = entry.getName();
    if (name.length() > limits.maxPathBytes() || entry.getLinkName().length() > limits.maxPathBytes()) {
      meter.fail(new HostileLayerException(HostileLayerException.Reason.PATH_TOO_LONG,
          "entry name or link target longer than " + limits.maxPathBytes()));
    }
    if (entry.getSize() > limits.maxTotalBytes()) {
      meter.fail(new HostileLayerException(HostileLayerException.Reason.TOO_MANY_BYTES,
          name + " declares " + entry.getSize() + " bytes"));
    }
    Optional<String> normalized = LayerPaths.normalizeEntry(name);
    if (normalized.isEmpty()) {
      visitor.rejected(name, "path escapes the layer root");
      return;
    }
    String path = normalized.get();
    if (path.equals("/") || entry.isDirectory()) {
      return;
    }
    String fileName = LayerPaths.fileName(path);
    if (fileName.startsWith(WHITEOUT_PREFIX)) {
      whiteout(name, path, fileName, visitor);
      return;
    }
    if (entry.isSymbolicLink()) {
      visitor.symlink(path, LayerPaths.resolveLinkTarget(path, entry.getLinkName()));
    } else if (entry.isLink()) {
      Optional<String> target = LayerPaths.normalizeEntry(entry.getLinkName());
      if (target.isEmpty()) {
        visitor.rejected(name, "hard link target " + entry.getLinkName() + " escapes the layer root");
      } else {
        visitor.hardlink(path, target.get());
      }
    } else if (entry.isFile()) {
      // The tar stream itself ends at the entry's end; only closing must not reach it.
      visitor.file(new LayerEntry(path, entry.getSize(), entry.getMode() & 07777), new NonClosing(tar));
    }
    // Devices, FIFOs and sockets carry no software.
  }

  private static void whiteout(String name, String path, String fileName, LayerVisitor visitor) {
    String directory = LayerPaths.parent(path);
    if (fileName.equals(OPAQUE_MARKER)) {
      visitor.opaqueDirectory(directory);
      return;
    }
    String hidden = fileName.substring(WHITEOUT_PREFIX.length());
    if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
      visitor.rejected(name, "whiteout names no file");
      return;
    }
    if (hidden.startsWith(WHITEOUT_PREFIX)) {
      return; // other AUFS metadata (.wh..wh.plnk, .wh..wh.aufs): not a deletion
    }
    visitor.whiteout(directory.equals("/") ? "/" + hidden : directory + "/" + hidden);
  }

  /** Streams the caller owns (the blob) or the tar reader owns (an entry): closing them is not ours to do. */
  private static final class NonClosing extends FilterInputStream {
    NonClosing(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      return in.read(buffer, offset, length);
    }

    @Override
    public void close() {}
  }
}
