package io.portcullis.scan.version;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Packagist (Composer) version ordering, which follows PHP's {@code version_compare}.
 *
 * <p>A leading {@code v} is dropped; {@code - _ +} become dots and a dot is inserted wherever digits
 * meet letters ({@code 1.0rc1} is {@code 1.0.rc.1}). Parts compare left to right: numbers numerically;
 * words by rank {@code dev < alpha = a < beta = b < RC = rc < (number) < pl = p}, where a word is ranked
 * by the first of those names it starts with and unknown words rank below {@code dev}. When one version
 * runs out, the other is newer if its next part is a number, else its next word is ranked against a
 * number ({@code 1.0-beta < 1.0 < 1.0-p1}).
 */
public final class ComposerVersionComparator implements VersionComparator {

  public static final ComposerVersionComparator INSTANCE = new ComposerVersionComparator();

  private static final String SCHEME = "composer";

  private static final String[] FORMS = {"dev", "alpha", "a", "beta", "b", "rc", "#", "pl", "p"};
  private static final int[] FORM_RANKS = {0, 1, 1, 2, 2, 3, 4, 5, 5};
  private static final int NUMBER_RANK = 4;
  private static final int UNKNOWN_RANK = -6;

  private ComposerVersionComparator() {}

  @Override
  public String scheme() {
    return SCHEME;
  }

  @Override
  public ParsedVersion parse(String version) {
    String text = Versions.requireText(SCHEME, version);
    String s = text.strip().toLowerCase(Locale.ROOT);
    if (s.startsWith("v")) {
      s = s.substring(1);
    }
    List<String> parts = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.' || c == '-' || c == '_' || c == '+') {
        flush(current, parts);
      } else if (Versions.isAsciiAlnum(c)) {
        if (!current.isEmpty() && Versions.isDigit(c) != Versions.isDigit(current.charAt(current.length() - 1))) {
          flush(current, parts);
        }
        current.append(c);
      } else {
        throw new InvalidVersionException(SCHEME, text, "invalid character '" + c + "'");
      }
    }
    flush(current, parts);
    if (parts.isEmpty()) {
      throw new InvalidVersionException(SCHEME, text, "no version parts");
    }
    return new Composer(text, parts.toArray(String[]::new));
  }

  private static void flush(StringBuilder current, List<String> parts) {
    if (!current.isEmpty()) {
      parts.add(current.toString());
      current.setLength(0);
    }
  }

  private static int rank(String part) {
    if (Versions.isDigit(part.charAt(0))) {
      return NUMBER_RANK;
    }
    for (int i = 0; i < FORMS.length; i++) {
      if (part.startsWith(FORMS[i])) {
        return FORM_RANKS[i];
      }
    }
    return UNKNOWN_RANK;
  }

  private record Composer(String text, String[] parts) implements ParsedVersion {
    @Override
    public int compareTo(ParsedVersion o) {
      Composer other = Versions.sameScheme(Composer.class, o);
      int n = Math.min(parts.length, other.parts.length);
      for (int i = 0; i < n; i++) {
        String a = parts[i];
        String b = other.parts[i];
        boolean aNumber = Versions.isDigit(a.charAt(0));
        boolean bNumber = Versions.isDigit(b.charAt(0));
        int c = aNumber && bNumber ? Versions.compareDigits(a, b) : Integer.compare(rank(a), rank(b));
        if (c != 0) {
          return c;
        }
      }
      if (parts.length == other.parts.length) {
        return 0;
      }
      boolean aLonger = parts.length > other.parts.length;
      String next = aLonger ? parts[n] : other.parts[n];
      int c = Versions.isDigit(next.charAt(0)) ? 1 : Integer.compare(rank(next), NUMBER_RANK);
      return aLonger ? c : -c;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Composer c && compareTo(c) == 0;
    }

    @Override
    public int hashCode() {
      return 0;
    }
  }
}
