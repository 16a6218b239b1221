package io.portcullis.scan.version;

import java.util.ArrayList;
import java.util.List;

/**
 * RubyGems {@code Gem::Version} ordering.
 *
 * <p>A version is digits and letters separated by dots ({@code -} stands for {@code .pre.}); it is cut
 * into numeric and alphabetic segments ({@code 1.0.rc1} is {@code 1, 0, "rc", 1}). Trailing zeros of the
 * release part and of the prerelease part are dropped, so {@code 1.0 == 1}. Segments compare pairwise
 * with missing ones as 0; a letter segment sorts below any number, so any version containing a letter
 * is a prerelease of its numeric prefix ({@code 1.0.a < 1.0}); letter segments compare by code point.
 */
public final class RubyGemsVersionComparator implements VersionComparator {

  public static final RubyGemsVersionComparator INSTANCE = new RubyGemsVersionComparator();

  private static final String SCHEME = "rubygems";

  private RubyGemsVersionComparator() {}

  @Override
  public String scheme() {
    return SCHEME;
  }

  @Override
  public ParsedVersion parse(String version) {
    String text = Versions.requireText(SCHEME, version);
    String s = text.strip();
    if (s.isEmpty()) {
      s = "0";
    }
    validate(text, s);
    s = s.replace("-", ".pre.");
    List<Segment> segments = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      int start = i;
      if (Versions.isDigit(c)) {
        while (i < s.length() && Versions.isDigit(s.charAt(i))) {
          i++;
        }
        segments.add(new Segment(stripZeros(s.substring(start, i)), true));
      } else if (Versions.isAsciiLetter(c)) {
        while (i < s.length() && Versions.isAsciiLetter(s.charAt(i))) {
          i++;
        }
        segments.add(new Segment(s.substring(start, i), false));
      } else {
        i++;
      }
    }
    return new Gem(text, canonical(segments));
  }

  /** Gem::Version's pattern: starts with a digit; dot-separated alphanumerics; {@code -} opens a prerelease. */
  private static void validate(String original, String s) {
    if (!Versions.isDigit(s.charAt(0))) {
      throw new InvalidVersionException(SCHEME, original, "must start with a digit");
    }
    char last = s.charAt(s.length() - 1);
    if (last == '.' || last == '-') {
      throw new InvalidVersionException(SCHEME, original, "ends with a separator");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.' && s.charAt(i - 1) == '.') {
        throw new InvalidVersionException(SCHEME, original, "empty segment at offset " + i);
      }
      if (!Versions.isAsciiAlnum(c) && c != '.' && c != '-') {
        throw new InvalidVersionException(SCHEME, original, "invalid character '" + c + "'");
      }
    }
  }

  private static String stripZeros(String digits) {
    int i = 0;
    while (i < digits.length() - 1 && digits.charAt(i) == '0') {
      i++;
    }
    return digits.substring(i);
  }

  /** Drops trailing zeros from the numeric prefix and from the part starting at the first letter. */
  private static Segment[] canonical(List<Segment> segments) {
    int firstLetter = segments.size();
    for (int i = 0; i < segments.size(); i++) {
      if (!segments.get(i).numeric()) {
        firstLetter = i;
        break;
      }
    }
    List<Segment> release = new ArrayList<>(segments.subList(0, firstLetter));
    List<Segment> prerelease = new ArrayList<>(segments.subList(firstLetter, segments.size()));
    trimZeros(release);
    trimZeros(prerelease);
    release.addAll(prerelease);
    return release.toArray(Segment[]::new);
  }

  private static void trimZeros(List<Segment> segments) {
    while (!segments.isEmpty() && segments.getLast().isZero()) {
      segments.removeLast();
    }
  }

  private record Segment(String text, boolean numeric) {
    static final Segment ZERO = new Segment("0", true);

    boolean isZero() {
      return numeric && text.equals("0");
    }
  }

  private record Gem(String text, Segment[] segments) implements ParsedVersion {
    @Override
    public int compareTo(ParsedVersion o) {
      Gem other = Versions.sameScheme(Gem.class, o);
      int n = Math.max(segments.length, other.segments.length);
      for (int i = 0; i < n; i++) {
        Segment a = i < segments.length ? segments[i] : Segment.ZERO;
        Segment b = i < other.segments.length ? other.segments[i] : Segment.ZERO;
        if (a.numeric() && b.numeric()) {
          int c = Versions.compareDigits(a.text(), b.text());
          if (c != 0) {
            return c;
          }
        } else if (a.numeric() != b.numeric()) {
          return a.numeric() ? 1 : -1;
        } else {
          int c = a.text().compareTo(b.text());
          if (c != 0) {
            return Integer.signum(c);
          }
        }
      }
      return 0;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Gem g && compareTo(g) == 0;
    }

    @Override
    public int hashCode() {
      return segments.length == 0 ? 0 : segments[0].hashCode();
    }
  }
}
