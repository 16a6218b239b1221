package io.portcullis.scan.version;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Python package version ordering per PEP 440 (as the {@code packaging} library applies it to PyPI).
 *
 * <p>{@code [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]}, with PEP 440's normalisation: case-insensitive,
 * optional leading {@code v}, spellings {@code alpha/beta/c/pre/preview} for pre-releases and
 * {@code rev/r} or a bare {@code -N} for post-releases, optional {@code . - _} separators, and implicit
 * number 0. Ordering: epoch, then release with trailing zeros ignored ({@code 1.0 == 1.0.0}), then
 * {@code X.devN < XaN < XbN < XrcN < X < X.postN}, dev-releases before their base, and a local label
 * above the same public version (numeric local segments above alphanumeric ones).
 */
public final class Pep440VersionComparator implements VersionComparator {

  public static final Pep440VersionComparator INSTANCE = new Pep440VersionComparator();

  private static final String SCHEME = "pep440";

  private static final int PRE_DEV_ONLY = -1;
  private static final int PRE_NONE = 3;

  private Pep440VersionComparator() {}

  @Override
  public String scheme() {
    return SCHEME;
  }

  @Override
  public ParsedVersion parse(String version) {
    String text = Versions.requireText(SCHEME, version);
    return new Parser(text).parse();
  }

  private static final class Parser {
    private final String original;
    private final String s;
    private int pos;

    Parser(String original) {
      this.original = original;
      this.s = original.strip().toLowerCase(Locale.ROOT);
    }

    Pep440 parse() {
      if (s.startsWith("v")) {
        pos = 1;
      }
      String epoch = "0";
      String first = digits();
      if (first == null) {
        throw fail("expected a release number");
      }
      if (pos < s.length() && s.charAt(pos) == '!') {
        epoch = first;
        pos++;
        first = digits();
        if (first == null) {
          throw fail("expected a release number after the epoch");
        }
      }
      List<String> release = new ArrayList<>();
      release.add(first);
      while (pos + 1 < s.length() && s.charAt(pos) == '.' && Versions.isDigit(s.charAt(pos + 1))) {
        pos++;
        release.add(digits());
      }
      while (release.size() > 1 && release.getLast().equals("0")) {
        release.removeLast();
      }
      if (release.size() == 1 && release.getFirst().equals("0")) {
        release.clear();
      }

      int preKind = PRE_NONE;
      String preNumber = "0";
      int save = pos;
      skipSeparator();
      int kind = word(new String[] {"alpha", "a", "beta", "b", "rc", "c", "preview", "pre"},
          new int[] {0, 0, 1, 1, 2, 2, 2, 2});
      if (kind >= 0) {
        preKind = kind;
        preNumber = optionalNumber();
      } else {
        pos = save;
      }

      String postNumber = null;
      save = pos;
      if (pos + 1 < s.length() && s.charAt(pos) == '-' && Versions.isDigit(s.charAt(pos + 1))) {
        pos++;
        postNumber = digits();
      } else {
        skipSeparator();
        if (word(new String[] {"post", "rev", "r"}, new int[] {0, 0, 0}) >= 0) {
          postNumber = optionalNumber();
        } else {
          pos = save;
        }
      }

      String devNumber = null;
      save = pos;
      skipSeparator();
      if (word(new String[] {"dev"}, new int[] {0}) >= 0) {
        devNumber = optionalNumber();
      } else {
        pos = save;
      }

      List<LocalSegment> local = null;
      if (pos < s.length() && s.charAt(pos) == '+') {
        pos++;
        local = localSegments();
      }
      if (pos != s.length()) {
        throw fail("unexpected text at offset " + pos);
      }
      if (preKind == PRE_NONE && postNumber == null && devNumber != null) {
        preKind = PRE_DEV_ONLY;
      }
      return new Pep440(original, epoch, release.toArray(String[]::new), preKind, preNumber,
          postNumber, devNumber, local);
    }

    private String digits() {
      int start = pos;
      while (pos < s.length() && Versions.isDigit(s.charAt(pos))) {
        pos++;
      }
      if (start == pos) {
        return null;
      }
      int i = start;
      while (i < pos - 1 && s.charAt(i) == '0') {
        i++;
      }
      return s.substring(i, pos);
    }

    private void skipSeparator() {
      if (pos < s.length() && (s.charAt(pos) == '.' || s.charAt(pos) == '-' || s.charAt(pos) == '_')) {
        pos++;
      }
    }

    private int word(String[] words, int[] kinds) {
      for (int i = 0; i < words.length; i++) {
        if (s.startsWith(words[i], pos)) {
          pos += words[i].length();
          return kinds[i];
        }
      }
      return -1;
    }

    private String optionalNumber() {
      int save = pos;
      skipSeparator();
      String n = digits();
      if (n == null) {
        pos = save;
        return "0";
      }
      return n;
    }

    private List<LocalSegment> localSegments() {
      List<LocalSegment> segments = new ArrayList<>();
      int start = pos;
      while (true) {
        if (pos == s.length() || s.charAt(pos) == '.' || s.charAt(pos) == '-' || s.charAt(pos) == '_') {
          String seg = s.substring(start, pos);
          if (seg.isEmpty()) {
            throw fail("empty local version segment");
          }
          segments.add(new LocalSegment(seg, Versions.allDigits(seg)));
          if (pos == s.length()) {
            return segments;
          }
          start = ++pos;
        } else if (Versions.isAsciiAlnum(s.charAt(pos))) {
          pos++;
        } else {
          throw fail("invalid character in local version");
        }
      }
    }

    private InvalidVersionException fail(String reason) {
      return new InvalidVersionException(SCHEME, original, reason);
    }
  }

  /** One segment of a local version label; numeric segments order numerically and above the others. */
  private record LocalSegment(String text, boolean numeric) {}

  private record Pep440(String text, String epoch, String[] release, int preKind, String preNumber,
      String postNumber, String devNumber, List<LocalSegment> local) implements ParsedVersion {

    @Override
    public int compareTo(ParsedVersion o) {
      Pep440 other = Versions.sameScheme(Pep440.class, o);
      int c = Versions.compareDigits(epoch, other.epoch);
      if (c != 0) {
        return c;
      }
      int n = Math.max(release.length, other.release.length);
      for (int i = 0; i < n; i++) {
        String a = i < release.length ? release[i] : "0";
        String b = i < other.release.length ? other.release[i] : "0";
        c = Versions.compareDigits(a, b);
        if (c != 0) {
          return c;
        }
      }
      c = Integer.compare(preKind, other.preKind);
      if (c != 0) {
        return c;
      }
      if (preKind != PRE_NONE && preKind != PRE_DEV_ONLY) {
        c = Versions.compareDigits(preNumber, other.preNumber);
        if (c != 0) {
          return c;
        }
      }
      c = compareOptional(postNumber, other.postNumber, -1);
      if (c != 0) {
        return c;
      }
      c = compareOptional(devNumber, other.devNumber, 1);
      if (c != 0) {
        return c;
      }
      return compareLocal(local, other.local);
    }

    /** {@code absentSign} is how an absent number compares with a present one. */
    private static int compareOptional(String a, String b, int absentSign) {
      if (a == null || b == null) {
        return a == b ? 0 : a == null ? absentSign : -absentSign;
      }
      return Versions.compareDigits(a, b);
    }

    private static int compareLocal(List<LocalSegment> a, List<LocalSegment> b) {
      if (a == null || b == null) {
        return a == b ? 0 : a == null ? -1 : 1;
      }
      int n = Math.min(a.size(), b.size());
      for (int i = 0; i < n; i++) {
        LocalSegment x = a.get(i);
        LocalSegment y = b.get(i);
        int c;
        if (x.numeric() && y.numeric()) {
          c = Versions.compareDigits(x.text(), y.text());
        } else if (x.numeric() != y.numeric()) {
          c = x.numeric() ? 1 : -1;
        } else {
          c = Integer.signum(x.text().compareTo(y.text()));
        }
        if (c != 0) {
          return c;
        }
      }
      return Integer.compare(a.size(), b.size());
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Pep440 p && compareTo(p) == 0;
    }

    @Override
    public int hashCode() {
      return release.length == 0 ? 0 : release[0].hashCode();
    }
  }
}
