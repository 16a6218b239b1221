package io.portcullis.scan.layer;

import io.airlift.compress.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Layer compression, recognised from the first bytes of the blob: media types are set by whoever pushed
 * the image and are sometimes wrong (Docker's "tar.gzip" that is plain tar, zstd under a gzip type).
 */
public enum Compression {
  GZIP,
  ZSTD,
  NONE;

  private static final int MAGIC_LENGTH = 6;

  /** Detects the compression of {@code in} (which must support mark/reset) without consuming it. */
  public static Compression detect(BufferedInputStream in) throws IOException {
    in.mark(MAGIC_LENGTH);
    byte[] magic = in.readNBytes(MAGIC_LENGTH);
    in.reset();
    if (startsWith(magic, 0x1f, 0x8b)) {
      return GZIP;
    }
    if (startsWith(magic, 0x28, 0xb5, 0x2f, 0xfd)) {
      return ZSTD;
    }
    if (startsWith(magic, 0x42, 0x5a, 0x68)) {
      throw new LayerException("bzip2-compressed layers are not part of the OCI image spec");
    }
    if (startsWith(magic, 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) {
      throw new LayerException("xz-compressed layers are not part of the OCI image spec");
    }
    return NONE;
  }

  /** Wraps the raw blob stream in the matching decompressor. */
  public InputStream decompress(InputStream raw) throws IOException {
    return switch (this) {
      case GZIP -> new GZIPInputStream(raw, 64 * 1024);
      case ZSTD -> new ZstdInputStream(raw);
      case NONE -> raw;
    };
  }

  private static boolean startsWith(byte[] data, int... prefix) {
    if (data.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((data[i] & 0xff) != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
