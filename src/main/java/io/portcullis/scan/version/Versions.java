package io.portcullis.scan.version;

/** Helpers shared by the comparators: bounded input, digit-run comparison, cross-scheme guard. */
final class Versions {

  /** No real version is this long; the bound keeps hostile advisory data from costing anything. */
  static final int MAX_LENGTH = 256;

  private Versions() {}

  static String requireText(String scheme, String version) {
    if (version == null) {
      throw new InvalidVersionException(scheme, null, "version is null");
    }
    if (version.isEmpty()) {
      throw new InvalidVersionException(scheme, version, "version is empty");
    }
    if (version.length() > MAX_LENGTH) {
      throw new InvalidVersionException(scheme, version, "longer than " + MAX_LENGTH + " characters");
    }
    return version;
  }

  static <T extends ParsedVersion> T sameScheme(Class<T> type, ParsedVersion other) {
    if (!type.isInstance(other)) {
      throw new IllegalArgumentException("cannot compare " + type.getSimpleName() + " with "
          + (other == null ? "null" : other.getClass().getSimpleName()));
    }
    return type.cast(other);
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  static boolean isAsciiAlnum(char c) {
    return isDigit(c) || isAsciiLetter(c);
  }

  /**
   * Compares two runs of ASCII digits by numeric value, of any length and without allocating:
   * leading zeros are skipped, then the longer run is larger, then the first differing digit decides.
   */
  static int compareDigits(CharSequence a, int aFrom, int aTo, CharSequence b, int bFrom, int bTo) {
    while (aFrom < aTo && a.charAt(aFrom) == '0') {
      aFrom++;
    }
    while (bFrom < bTo && b.charAt(bFrom) == '0') {
      bFrom++;
    }
    int lengthDiff = (aTo - aFrom) - (bTo - bFrom);
    if (lengthDiff != 0) {
      return lengthDiff < 0 ? -1 : 1;
    }
    for (; aFrom < aTo; aFrom++, bFrom++) {
      int d = a.charAt(aFrom) - b.charAt(bFrom);
      if (d != 0) {
        return d < 0 ? -1 : 1;
      }
    }
    return 0;
  }

  static int compareDigits(String a, String b) {
    return compareDigits(a, 0, a.length(), b, 0, b.length());
  }

  static boolean allDigits(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
