package io.portcullis.scan.version;

import java.util.ArrayList;
import java.util.List;

/**
 * Semantic Versioning 2.0.0 ordering and the ecosystems that follow it with small differences.
 *
 * <p>Common rules: {@code MAJOR.MINOR.PATCH[-prerelease][+build]}; numeric parts compare numerically;
 * a version with a prerelease sorts before the same version without one; prerelease identifiers compare
 * left to right, numeric ones numerically and below alphanumeric ones, alphanumeric ones by ASCII, and a
 * shorter list of equal identifiers sorts first; build metadata is ignored. Differences:
 * <ul>
 *   <li>{@link #SEMVER} (OSV {@code SEMVER} ranges, crates.io): exactly three parts; a leading {@code v}
 *       is tolerated because advisories write one.</li>
 *   <li>{@link #NPM}: as node-semver's strict parser: optional leading {@code v} or {@code =}.</li>
 *   <li>{@link #GO}: Go module versions: leading {@code v} optional (OSV omits it); pseudo-versions
 *       such as {@code v0.0.0-20191109021931-daa7c04131f5} order as prereleases, as the go command does;
 *       {@code +incompatible} is build metadata and ignored.</li>
 *   <li>{@link #NUGET}: one to four numeric parts (missing ones are 0, leading zeros allowed);
 *       prerelease labels compare case-insensitively.</li>
 * </ul>
 */
public final class SemverComparator implements VersionComparator {

  public static final SemverComparator SEMVER = new SemverComparator("semver", 3, 3, false, false);
  public static final SemverComparator NPM = new SemverComparator("npm", 3, 3, false, false);
  public static final SemverComparator GO = new SemverComparator("go", 3, 3, false, false);
  public static final SemverComparator NUGET = new SemverComparator("nuget", 1, 4, true, true);

  private final String scheme;
  private final int minParts;
  private final int maxParts;
  private final boolean leadingZerosAllowed;
  private final boolean caseInsensitivePrerelease;

  private SemverComparator(String scheme, int minParts, int maxParts, boolean leadingZerosAllowed,
      boolean caseInsensitivePrerelease) {
    this.scheme = scheme;
    this.minParts = minParts;
    this.maxParts = maxParts;
    this.leadingZerosAllowed = leadingZerosAllowed;
    this.caseInsensitivePrerelease = caseInsensitivePrerelease;
  }

  @Override
  public String scheme() {
    return scheme;
  }

  @Override
  public ParsedVersion parse(String version) {
    String text = Versions.requireText(scheme, version);
    String s = text.strip();
    int pos = 0;
    if (s.startsWith("v") || s.startsWith("V") || (this == NPM && s.startsWith("="))) {
      pos = 1;
    }
    int plus = s.indexOf('+', pos);
    int end = plus >= 0 ? plus : s.length();
    if (plus >= 0) {
      validateIdentifiers(text, s.substring(plus + 1), "build metadata", false);
    }
    int hyphen = s.indexOf('-', pos);
    if (hyphen > end) {
      hyphen = -1;
    }
    String core = s.substring(pos, hyphen >= 0 ? hyphen : end);
    String[] numbers = new String[maxParts];
    int count = 0;
    int start = 0;
    for (int i = 0; i <= core.length(); i++) {
      if (i == core.length() || core.charAt(i) == '.') {
        String part = core.substring(start, i);
        if (!Versions.allDigits(part)) {
          throw new InvalidVersionException(scheme, text, "'" + part + "' is not a numeric version part");
        }
        if (!leadingZerosAllowed && part.length() > 1 && part.charAt(0) == '0') {
          throw new InvalidVersionException(scheme, text, "numeric part '" + part + "' has a leading zero");
        }
        if (count == maxParts) {
          throw new InvalidVersionException(scheme, text, "more than " + maxParts + " numeric parts");
        }
        numbers[count++] = stripLeadingZeros(part);
        start = i + 1;
      }
    }
    if (count < minParts) {
      throw new InvalidVersionException(scheme, text, "fewer than " + minParts + " numeric parts");
    }
    for (int i = count; i < maxParts; i++) {
      numbers[i] = "0";
    }
    String[] prerelease = null;
    if (hyphen >= 0) {
      prerelease = validateIdentifiers(text, s.substring(hyphen + 1, end), "prerelease", !leadingZerosAllowed);
    }
    return new Semver(text, this, numbers, prerelease);
  }

  private static String stripLeadingZeros(String digits) {
    int i = 0;
    while (i < digits.length() - 1 && digits.charAt(i) == '0') {
      i++;
    }
    return digits.substring(i);
  }

  private String[] validateIdentifiers(String text, String ids, String what, boolean rejectLeadingZeros) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= ids.length(); i++) {
      if (i == ids.length() || ids.charAt(i) == '.') {
        String id = ids.substring(start, i);
        if (id.isEmpty()) {
          throw new InvalidVersionException(scheme, text, "empty " + what + " identifier");
        }
        for (int k = 0; k < id.length(); k++) {
          char c = id.charAt(k);
          if (!Versions.isAsciiAlnum(c) && c != '-') {
            throw new InvalidVersionException(scheme, text, "invalid character '" + c + "' in " + what);
          }
        }
        if (rejectLeadingZeros && id.length() > 1 && id.charAt(0) == '0' && Versions.allDigits(id)) {
          throw new InvalidVersionException(scheme, text, what + " identifier '" + id + "' has a leading zero");
        }
        out.add(id);
        start = i + 1;
      }
    }
    return out.toArray(String[]::new);
  }

  private record Semver(String text, SemverComparator rules, String[] numbers, String[] prerelease)
      implements ParsedVersion {

    @Override
    public int compareTo(ParsedVersion o) {
      Semver other = Versions.sameScheme(Semver.class, o);
      for (int i = 0; i < numbers.length; i++) {
        int c = Versions.compareDigits(numbers[i], other.numbers[i]);
        if (c != 0) {
          return c;
        }
      }
      if (prerelease == null || other.prerelease == null) {
        return prerelease == other.prerelease ? 0 : prerelease == null ? 1 : -1;
      }
      int n = Math.min(prerelease.length, other.prerelease.length);
      for (int i = 0; i < n; i++) {
        int c = compareIdentifier(prerelease[i], other.prerelease[i], rules.caseInsensitivePrerelease);
        if (c != 0) {
          return c;
        }
      }
      return Integer.compare(prerelease.length, other.prerelease.length);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Semver s && compareTo(s) == 0;
    }

    @Override
    public int hashCode() {
      return numbers[0].hashCode();
    }
  }

  private static int compareIdentifier(String a, String b, boolean ignoreCase) {
    boolean aNumeric = Versions.allDigits(a);
    boolean bNumeric = Versions.allDigits(b);
    if (aNumeric && bNumeric) {
      return Versions.compareDigits(a, b);
    }
    if (aNumeric != bNumeric) {
      return aNumeric ? -1 : 1;
    }
    int c = ignoreCase ? a.compareToIgnoreCase(b) : a.compareTo(b);
    return Integer.signum(c);
  }
}
