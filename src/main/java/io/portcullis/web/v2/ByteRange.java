package io.portcullis.web.v2;

/** The single byte range of a {@code Range: bytes=...} header (RFC 9110), resolved against a size. */
final class ByteRange {
  private ByteRange() {}

  /** {@code [first, last]} inclusive, or null when the range cannot be satisfied or is malformed. */
  static long[] parse(String header, long size) {
    String value = header.trim();
    if (!value.startsWith("bytes=") || value.indexOf(',') >= 0) {
      return null;
    }
    value = value.substring(6).trim();
    int dash = value.indexOf('-');
    if (dash < 0) {
      return null;
    }
    try {
      String first = value.substring(0, dash).trim();
      String last = value.substring(dash + 1).trim();
      if (first.isEmpty()) {
        long suffix = Long.parseLong(last);
        if (suffix <= 0 || size == 0) {
          return null;
        }
        return new long[] {Math.max(0, size - suffix), size - 1};
      }
      long start = Long.parseLong(first);
      long end = last.isEmpty() ? size - 1 : Math.min(Long.parseLong(last), size - 1);
      if (start < 0 || start >= size || end < start) {
        return null;
      }
      return new long[] {start, end};
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
