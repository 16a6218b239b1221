package io.portcullis.scan.version;

/**
 * RPM {@code [epoch:]version[-release]} ordering (Red Hat, Rocky, AlmaLinux, SUSE, ...).
 *
 * <p>Epoch compares numerically (absent = 0); version and release each compare with {@code rpmvercmp}:
 * separators other than {@code ~} and {@code ^} are skipped; {@code ~} sorts before anything, even the
 * end ({@code 1.0~rc1 < 1.0}); {@code ^} sorts after the end but before any further segment
 * ({@code 1.0 < 1.0^git1 < 1.0.1}); numeric segments compare numerically and are newer than alphabetic
 * ones; alphabetic segments compare by code point. When one side has no release (as an advisory's
 * {@code 1.2} against an installed {@code 1.2-3.el9}), the release is not compared, as rpm does for
 * dependency ranges.
 */
public final class RpmVersionComparator implements VersionComparator {

  public static final RpmVersionComparator INSTANCE = new RpmVersionComparator();

  private static final String SCHEME = "rpm";

  private RpmVersionComparator() {}

  @Override
  public String scheme() {
    return SCHEME;
  }

  @Override
  public ParsedVersion parse(String version) {
    String text = Versions.requireText(SCHEME, version).strip();
    long epoch = 0;
    int colon = text.indexOf(':');
    String rest = text;
    if (colon >= 0) {
      String epochText = text.substring(0, colon);
      if (!Versions.allDigits(epochText) || epochText.length() > 9) {
        throw new InvalidVersionException(SCHEME, version, "epoch is not a number");
      }
      epoch = Long.parseLong(epochText);
      rest = text.substring(colon + 1);
    }
    int hyphen = rest.lastIndexOf('-');
    String ver = hyphen >= 0 ? rest.substring(0, hyphen) : rest;
    String release = hyphen >= 0 ? rest.substring(hyphen + 1) : null;
    if (ver.isEmpty()) {
      throw new InvalidVersionException(SCHEME, version, "version part is empty");
    }
    if (release != null && release.isEmpty()) {
      throw new InvalidVersionException(SCHEME, version, "release part is empty");
    }
    for (int i = 0; i < rest.length(); i++) {
      char c = rest.charAt(i);
      if (c <= ' ' || c > '~') {
        throw new InvalidVersionException(SCHEME, version, "invalid character at offset " + i);
      }
    }
    return new Rpm(version, epoch, ver, release);
  }

  private record Rpm(String text, long epoch, String version, String release) implements ParsedVersion {
    @Override
    public int compareTo(ParsedVersion o) {
      Rpm other = Versions.sameScheme(Rpm.class, o);
      int c = Long.compare(epoch, other.epoch);
      if (c != 0) {
        return c;
      }
      c = rpmvercmp(version, other.version);
      if (c != 0 || release == null || other.release == null) {
        return c;
      }
      return rpmvercmp(release, other.release);
    }
  }

  private static boolean isSeparator(char c) {
    return !Versions.isAsciiAlnum(c) && c != '~' && c != '^';
  }

  static int rpmvercmp(String a, String b) {
    if (a.equals(b)) {
      return 0;
    }
    int i = 0;
    int j = 0;
    int aLen = a.length();
    int bLen = b.length();
    while (i < aLen || j < bLen) {
      while (i < aLen && isSeparator(a.charAt(i))) {
        i++;
      }
      while (j < bLen && isSeparator(b.charAt(j))) {
        j++;
      }
      boolean aTilde = i < aLen && a.charAt(i) == '~';
      boolean bTilde = j < bLen && b.charAt(j) == '~';
      if (aTilde || bTilde) {
        if (!aTilde) {
          return 1;
        }
        if (!bTilde) {
          return -1;
        }
        i++;
        j++;
        continue;
      }
      boolean aCaret = i < aLen && a.charAt(i) == '^';
      boolean bCaret = j < bLen && b.charAt(j) == '^';
      if (aCaret || bCaret) {
        if (i >= aLen) {
          return -1;
        }
        if (j >= bLen) {
          return 1;
        }
        if (!aCaret) {
          return 1;
        }
        if (!bCaret) {
          return -1;
        }
        i++;
        j++;
        continue;
      }
      if (i >= aLen || j >= bLen) {
        break;
      }
      int aStart = i;
      int bStart = j;
      boolean numeric = Versions.isDigit(a.charAt(i));
      if (numeric) {
        while (i < aLen && Versions.isDigit(a.charAt(i))) {
          i++;
        }
        while (j < bLen && Versions.isDigit(b.charAt(j))) {
          j++;
        }
      } else {
        while (i < aLen && Versions.isAsciiLetter(a.charAt(i))) {
          i++;
        }
        while (j < bLen && Versions.isAsciiLetter(b.charAt(j))) {
          j++;
        }
      }
      if (j == bStart) {
        return numeric ? 1 : -1;
      }
      int c = numeric
          ? Versions.compareDigits(a, aStart, i, b, bStart, j)
          : compareChars(a, aStart, i, b, bStart, j);
      if (c != 0) {
        return c;
      }
    }
    if (i >= aLen && j >= bLen) {
      return 0;
    }
    return i >= aLen ? -1 : 1;
  }

  private static int compareChars(String a, int aFrom, int aTo, String b, int bFrom, int bTo) {
    int n = Math.min(aTo - aFrom, bTo - bFrom);
    for (int k = 0; k < n; k++) {
      int d = a.charAt(aFrom + k) - b.charAt(bFrom + k);
      if (d != 0) {
        return d < 0 ? -1 : 1;
      }
    }
    return Integer.compare(aTo - aFrom, bTo - bFrom);
  }
}
