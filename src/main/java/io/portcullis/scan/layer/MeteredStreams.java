package io.portcullis.scan.layer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts bytes on both sides of the decompressor and enforces the byte and ratio limits while the data
 * flows, so a decompression bomb is stopped after at most {@code ratioGraceBytes} plus one buffer.
 * The first violation is remembered: a consumer that swallows the exception cannot hide it.
 */
final class MeteredStreams {

  private final LayerLimits limits;
  private final byte[] skipBuffer = new byte[16 * 1024];
  private long compressedBytes;
  private long uncompressedBytes;
  private HostileLayerException failure;
  private long headerBudget = -1;

  MeteredStreams(LayerLimits limits) {
    this.limits = limits;
  }

  InputStream compressedSide(InputStream raw) {
    return new FilterInputStream(raw) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          compressedBytes++;
        }
        return b;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
          compressedBytes += n;
        }
        return n;
      }

      @Override
      public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        compressedBytes += skipped;
        return skipped;
      }
    };
  }

  InputStream uncompressedSide(InputStream decompressed) {
    return new FilterInputStream(decompressed) {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        throwIfFailed();
        int n = super.read(buffer, offset, length);
        if (n > 0) {
          uncompressedBytes += n;
          check();
          if (headerBudget >= 0 && (headerBudget -= n) < 0) {
            fail(new HostileLayerException(HostileLayerException.Reason.HEADER_TOO_LARGE,
                "tar headers (PAX / GNU long names) of one entry exceed their budget"));
          }
        }
        return n;
      }

      @Override
      public long skip(long n) throws IOException {
        // Skipping must decompress anyway; reading keeps the counters honest.
        int read = read(skipBuffer, 0, (int) Math.min(n, skipBuffer.length));
        return Math.max(read, 0);
      }
    };
  }

  /**
   * Caps the bytes read until {@link #endHeaders()}: the tar library buffers PAX records and GNU long
   * names whole, so their size must be bounded before they are read, not after.
   */
  void beginHeaders(long budget) {
    headerBudget = budget;
  }

  void endHeaders() {
    headerBudget = -1;
  }

  void throwIfFailed() throws HostileLayerException {
    if (failure != null) {
      throw failure;
    }
  }

  void fail(HostileLayerException exception) throws HostileLayerException {
    if (failure == null) {
      failure = exception;
    }
    throw failure;
  }

  private void check() throws HostileLayerException {
    if (uncompressedBytes > limits.maxTotalBytes()) {
      fail(new HostileLayerException(HostileLayerException.Reason.TOO_MANY_BYTES,
          "layer expands beyond " + limits.maxTotalBytes() + " bytes"));
    }
    if (uncompressedBytes > limits.ratioGraceBytes()
        && uncompressedBytes > limits.maxCompressionRatio() * Math.max(compressedBytes, 1)) {
      fail(new HostileLayerException(HostileLayerException.Reason.COMPRESSION_RATIO,
          uncompressedBytes + " bytes from " + compressedBytes + " compressed exceeds ratio "
              + limits.maxCompressionRatio()));
    }
  }
}
