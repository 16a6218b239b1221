package io.portcullis.scan.version;

/**
 * Debian package version ordering, as {@code dpkg --compare-versions}: {@code [epoch:]upstream[-revision]}.
 *
 * <p>The epoch compares numerically (absent = 0). Upstream and revision compare with dpkg's
 * {@code verrevcmp}: alternating non-digit and digit runs; in non-digit runs letters sort before
 * non-letters and {@code ~} sorts before everything, even the end of the string (so {@code 1.0~rc1 < 1.0});
 * digit runs compare numerically. The revision is everything after the last hyphen; an absent revision
 * compares as the empty string, exactly as dpkg does ({@code 1.0 < 1.0-1}, {@code 1.0 == 1.0-0}).
 */
public final class DpkgVersionComparator implements VersionComparator {

  public static final DpkgVersionComparator INSTANCE = new DpkgVersionComparator();

  private static final String SCHEME = "dpkg";

  private DpkgVersionComparator() {}

  @Override
  public String scheme() {
    return SCHEME;
  }

  @Override
  public ParsedVersion parse(String version) {
    String text = Versions.requireText(SCHEME, version);
    String trimmed = text.strip();
    if (trimmed.isEmpty()) {
      throw new InvalidVersionException(SCHEME, text, "version is blank");
    }
    long epoch = 0;
    int colon = trimmed.indexOf(':');
    String rest = trimmed;
    if (colon >= 0) {
      String epochText = trimmed.substring(0, colon);
      if (!Versions.allDigits(epochText) || epochText.length() > 9) {
        throw new InvalidVersionException(SCHEME, text, "epoch is not a number");
      }
      epoch = Long.parseLong(epochText);
      rest = trimmed.substring(colon + 1);
      if (rest.isEmpty()) {
        throw new InvalidVersionException(SCHEME, text, "nothing after the epoch colon");
      }
    }
    int hyphen = rest.lastIndexOf('-');
    String upstream = hyphen >= 0 ? rest.substring(0, hyphen) : rest;
    String revision = hyphen >= 0 ? rest.substring(hyphen + 1) : "";
    if (upstream.isEmpty()) {
      throw new InvalidVersionException(SCHEME, text, "upstream version is empty");
    }
    if (hyphen >= 0 && revision.isEmpty()) {
      throw new InvalidVersionException(SCHEME, text, "revision is empty");
    }
    for (int i = 0; i < upstream.length(); i++) {
      char c = upstream.charAt(i);
      if (!Versions.isAsciiAlnum(c) && c != '.' && c != '+' && c != '-' && c != '~' && c != ':') {
        throw new InvalidVersionException(SCHEME, text, "invalid character '" + c + "' in upstream version");
      }
    }
    for (int i = 0; i < revision.length(); i++) {
      char c = revision.charAt(i);
      if (!Versions.isAsciiAlnum(c) && c != '.' && c != '+' && c != '~') {
        throw new InvalidVersionException(SCHEME, text, "invalid character '" + c + "' in revision");
      }
    }
    return new Dpkg(text, epoch, upstream, revision);
  }

  private record Dpkg(String text, long epoch, String upstream, String revision) implements ParsedVersion {
    @Override
    public int compareTo(ParsedVersion o) {
      Dpkg other = Versions.sameScheme(Dpkg.class, o);
      int c = Long.compare(epoch, other.epoch);
      if (c != 0) {
        return c;
      }
      c = verrevcmp(upstream, other.upstream);
      return c != 0 ? c : verrevcmp(revision, other.revision);
    }
  }

  /** Weight of one character in a non-digit run; the end of the string weighs 0, like a digit. */
  private static int order(String s, int i) {
    if (i >= s.length()) {
      return 0;
    }
    char c = s.charAt(i);
    if (Versions.isDigit(c)) {
      return 0;
    }
    if (Versions.isAsciiLetter(c)) {
      return c;
    }
    if (c == '~') {
      return -1;
    }
    return c + 256;
  }

  static int verrevcmp(String a, String b) {
    int i = 0;
    int j = 0;
    int aLen = a.length();
    int bLen = b.length();
    while (i < aLen || j < bLen) {
      while ((i < aLen && !Versions.isDigit(a.charAt(i))) || (j < bLen && !Versions.isDigit(b.charAt(j)))) {
        int ac = order(a, i);
        int bc = order(b, j);
        if (ac != bc) {
          return ac < bc ? -1 : 1;
        }
        i++;
        j++;
      }
      int aStart = i;
      while (i < aLen && Versions.isDigit(a.charAt(i))) {
        i++;
      }
      int bStart = j;
      while (j < bLen && Versions.isDigit(b.charAt(j))) {
        j++;
      }
      int c = Versions.compareDigits(a, aStart, i, b, bStart, j);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }
}
