package io.portcullis.scan.vuln;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads whole inputs while enforcing a byte bound on what is actually read. */
final class BoundedReads {

  private BoundedReads() {}

  static byte[] read(InputStream in, long max, String source, String limitName) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      total += n;
      if (total > max) {
        throw new ImportLimitException(source, limitName, max);
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  static byte[] read(Path file, long max, String limitName) throws IOException {
    if (Files.size(file) > max) {
      throw new ImportLimitException(file.toString(), limitName, max);
    }
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, max, file.toString(), limitName);
    }
  }
}
