package io.portcullis.mirror;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tag read as a semantic version, leniently as registries tag: an optional {@code v}, one to three
 * numeric parts ({@code 3}, {@code 3.19}, {@code 3.19.1}) and an optional {@code -suffix}
 * ({@code 1.2.3-rc.1}, {@code 3.19-alpine}). Missing parts are 0; a suffix orders before the same
 * version without one, as semver's pre-releases do.
 */
record SemVer(long major, long minor, long patch, String suffix) implements Comparable<SemVer> {
  private static final Pattern TAG = Pattern.compile("v?(\\d{1,9})(?:\\.(\\d{1,9}))?(?:\\.(\\d{1,9}))?(?:-([0-9A-Za-z.-]+))?");

  static Optional<SemVer> parse(String tag) {
    Matcher m = TAG.matcher(tag);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new SemVer(Long.parseLong(m.group(1)), part(m.group(2)), part(m.group(3)),
        m.group(4) == null ? "" : m.group(4)));
  }

  private static long part(String text) {
    return text == null ? 0 : Long.parseLong(text);
  }

  boolean hasSuffix() {
    return !suffix.isEmpty();
  }

  @Override
  public int compareTo(SemVer o) {
    int c = Long.compare(major, o.major);
    if (c == 0) {
      c = Long.compare(minor, o.minor);
    }
    if (c == 0) {
      c = Long.compare(patch, o.patch);
    }
    if (c == 0 && hasSuffix() != o.hasSuffix()) {
      return hasSuffix() ? -1 : 1;
    }
    return c == 0 ? suffix.compareTo(o.suffix) : c;
  }

  /**
   * A range as npm writes them: comparators ({@code >=1.2 <2}, {@code =3.19.1}) joined by spaces must
   * all hold, alternatives are joined by {@code ||}; {@code ^1.2} (same major), {@code ~1.2} (same
   * minor), {@code 1.x} / {@code 1.2.*} and bare versions are shorthands. Tags with a suffix only match
   * a range that names the suffix, so {@code >=3.18} does not pull in {@code 3.19-rc1}.
   *
   * @throws IllegalArgumentException naming the part that is not a range
   */
  static Predicate<SemVer> range(String text) {
    Predicate<SemVer> any = null;
    for (String alternative : text.split("\\|\\|", -1)) {
      List<Predicate<SemVer>> all = new ArrayList<>();
      boolean suffixed = false;
      for (String comparator : alternative.strip().split("\\s+")) {
        if (comparator.isEmpty()) {
          continue;
        }
        all.add(comparator(comparator, text));
        suffixed |= comparator.contains("-");
      }
      if (all.isEmpty()) {
        throw new IllegalArgumentException("semver range '" + text + "' has an empty alternative");
      }
      boolean allowSuffix = suffixed;
      Predicate<SemVer> conjunction = v -> (allowSuffix || !v.hasSuffix()) && all.stream().allMatch(p -> p.test(v));
      any = any == null ? conjunction : any.or(conjunction);
    }
    return any;
  }

  private static final Pattern COMPARATOR = Pattern.compile("(>=|<=|>|<|=|\\^|~)?v?(\\d+|[xX*])(?:\\.(\\d+|[xX*]))?"
      + "(?:\\.(\\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?");

  private static Predicate<SemVer> comparator(String text, String range) {
    Matcher m = COMPARATOR.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("semver range '" + range + "': '" + text + "' is not a comparator "
          + "(e.g. >=1.2, <2, ^1.4, ~3.19, 1.x)");
    }
    String op = m.group(1) == null ? "" : m.group(1);
    String[] parts = {m.group(2), m.group(3), m.group(4)};
    int count = 0;
    while (count < 3 && parts[count] != null && !isWildcard(parts[count])) {
      count++;
    }
    int given = count;
    if (given == 0 && !op.isEmpty() && !op.equals(">=")) {
      throw new IllegalArgumentException("semver range '" + range + "': '" + text + "' needs a version");
    }
    SemVer low = new SemVer(num(parts[0]), num(parts[1]), num(parts[2]), m.group(5) == null ? "" : m.group(5));
    boolean partial = given < 3;
    // The exclusive upper bounds the shorthands stand for.
    SemVer pastGiven = given == 0 ? null : bump(low, given);
    SemVer pastCaret = bump(low, low.major > 0 || given < 2 ? 1 : low.minor > 0 || given < 3 ? 2 : 3);
    SemVer pastTilde = bump(low, given < 2 ? 1 : 2);
    return switch (op) {
      case ">=" -> v -> v.compareTo(low) >= 0;
      case ">" -> partial ? v -> v.compareTo(pastGiven) >= 0 : v -> v.compareTo(low) > 0;
      case "<" -> v -> v.compareTo(low) < 0;
      case "<=" -> partial ? v -> v.compareTo(pastGiven) < 0 : v -> v.compareTo(low) <= 0;
      case "^" -> v -> v.compareTo(low) >= 0 && v.compareTo(pastCaret) < 0;
      case "~" -> v -> v.compareTo(low) >= 0 && v.compareTo(pastTilde) < 0;
      default -> given == 0 ? v -> true
          : partial ? v -> v.compareTo(low) >= 0 && v.compareTo(pastGiven) < 0
          : v -> v.compareTo(low) == 0;
    };
  }

  /** The first version past every version that agrees with {@code v} on its first {@code parts} parts. */
  private static SemVer bump(SemVer v, int parts) {
    return switch (parts) {
      case 1 -> new SemVer(v.major + 1, 0, 0, "");
      case 2 -> new SemVer(v.major, v.minor + 1, 0, "");
      default -> new SemVer(v.major, v.minor, v.patch + 1, "");
    };
  }

  private static boolean isWildcard(String part) {
    return part.equals("x") || part.equals("X") || part.equals("*");
  }

  private static long num(String part) {
    return part == null || isWildcard(part) ? 0 : Long.parseLong(part);
  }
}
