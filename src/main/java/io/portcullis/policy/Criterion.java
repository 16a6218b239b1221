package io.portcullis.policy;

import io.portcullis.scan.inventory.InstalledPackage;
import io.portcullis.scan.match.SeverityCounts;
import io.portcullis.shared.Glob;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One condition of a promotion policy; a policy's criteria are combined with AND. Every criterion but
 * the tag's reads the stored scan, and holds for an index only when it holds for every platform image
 * of it. Each check explains itself, passed or not: that is the dry run's "why / why not".
 */
public sealed interface Criterion {
  /** Longest expression (glob, regex, name, range) accepted. */
  int MAX_EXPRESSION = 256;

  /** The outcome of one criterion for one candidate. */
  record Check(boolean passed, String reason) {}

  /** Whether the criterion reads scan results: a policy with none such can promote on push. */
  default boolean needsScan() {
    return true;
  }

  Check check(Candidate candidate);

  /** The tag matches the glob ({@code *}, {@code ?}) or, for a regex, the regex as a whole. */
  record TagMatches(String glob, String regex) implements Criterion {
    public TagMatches {
      if ((glob == null) == (regex == null)) {
        throw new IllegalArgumentException("a tag criterion has exactly one of glob and regex");
      }
      String expression = glob == null ? regex : glob;
      if (expression.isEmpty() || expression.length() > MAX_EXPRESSION) {
        throw new IllegalArgumentException("tag expression must be 1 to " + MAX_EXPRESSION + " characters");
      }
      if (regex != null) {
        try {
          Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException("tag regex is not valid: " + e.getDescription());
        }
      }
    }

    @Override
    public boolean needsScan() {
      return false;
    }

    @Override
    public Check check(Candidate c) {
      Pattern pattern = glob != null ? Glob.compile(glob) : Pattern.compile(regex);
      boolean matches = pattern.matcher(c.tag().value()).matches();
      String what = glob != null ? "glob '" + glob + "'" : "regex '" + regex + "'";
      return new Check(matches, "tag '" + c.tag().value() + "' " + (matches ? "matches " : "does not match ") + what);
    }
  }

  /** Which count of distinct vulnerabilities a criterion compares. */
  enum Severity {
    ALL, CRITICAL, MAJOR, MINOR;

    /** @throws IllegalArgumentException unless all, critical, major or minor */
    static Severity parse(String text) {
      try {
        return valueOf(String.valueOf(text).toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("severity '" + text + "' must be all, critical, major or minor");
      }
    }

    int of(SeverityCounts counts) {
      return switch (this) {
        case ALL -> counts.total();
        case CRITICAL -> counts.critical();
        case MAJOR -> counts.major();
        case MINOR -> counts.minor();
      };
    }

    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The image's number of distinct vulnerabilities of a severity compares with {@code count}. */
  record Vulnerabilities(Severity severity, Comparison op, int count) implements Criterion {
    public Vulnerabilities {
      if (count < 0) {
        throw new IllegalArgumentException("a vulnerability count is 0 or more, not " + count);
      }
    }

    @Override
    public Check check(Candidate c) {
      String wanted = severity.wireName() + " " + op.ascii() + " " + count;
      return everyImage(c, image -> {
        int actual = image.noSoftware() ? 0 : severity.of(image.scan().counts());
        return new Check(op.test(actual, count), image.label() + ": " + actual + " "
            + (severity == Severity.ALL ? "vulnerabilities" : severity.wireName()) + " (wanted " + wanted + ")");
      });
    }
  }

  /** A package of that name is (or is not) installed, optionally only at versions in the range. */
  record Package(String name, boolean present, PackageVersions versions) implements Criterion {
    public Package {
      if (name == null || name.isBlank() || name.length() > MAX_EXPRESSION) {
        throw new IllegalArgumentException("a package criterion needs a name of 1 to " + MAX_EXPRESSION
            + " characters");
      }
    }

    @Override
    public Check check(Candidate c) {
      String what = "package " + name + (versions == null ? "" : " " + versions);
      return everyImage(c, image -> {
        List<String> found = new ArrayList<>();
        for (InstalledPackage pkg : image.installed()) {
          if (pkg.name().equals(name) && (versions == null || versions.contains(pkg.ecosystem(), pkg.version()))) {
            found.add(pkg.version());
          }
        }
        boolean installed = !found.isEmpty();
        return new Check(installed == present, image.label() + ": " + what
            + (installed ? " installed (" + String.join(", ", new TreeSet<>(found)) + ")" : " not installed")
            + (present ? ", required" : ", forbidden"));
      });
    }
  }

  /**
   * Licenses of the installed packages, by SPDX id (license expressions are split into their ids):
   * with {@code allowed}, every id must be in it; every id in {@code denied} is refused. Packages whose
   * metadata declares no license are not judged.
   */
  record Licenses(Set<String> allowed, Set<String> denied) implements Criterion {
    public Licenses {
      allowed = allowed == null ? Set.of() : Set.copyOf(allowed);
      denied = denied == null ? Set.of() : Set.copyOf(denied);
      if (allowed.isEmpty() == denied.isEmpty()) {
        throw new IllegalArgumentException("a license criterion has exactly one of allowed and denied");
      }
    }

    @Override
    public Check check(Candidate c) {
      return everyImage(c, image -> {
        Set<String> offending = new TreeSet<>();
        for (InstalledPackage pkg : image.installed()) {
          for (String declared : pkg.licenses()) {
            for (String id : ids(declared)) {
              if (allowed.isEmpty() ? denied.contains(id) : !allowed.contains(id)) {
                offending.add(id + " (" + pkg.name() + ")");
              }
            }
          }
        }
        String rule = allowed.isEmpty() ? "denied " + new TreeSet<>(denied) : "allowed " + new TreeSet<>(allowed);
        return new Check(offending.isEmpty(), image.label() + ": " + (offending.isEmpty() ? "licenses within " + rule
            : "licenses outside " + rule + ": " + String.join(", ", offending.stream().limit(10).toList())));
      });
    }

    /** The SPDX ids of a declared license or license expression. */
    static List<String> ids(String declared) {
      List<String> ids = new ArrayList<>();
      for (String token : declared.split("[\\s()]+")) {
        if (!token.isEmpty() && !Set.of("AND", "OR", "WITH", "and", "or", "with").contains(token)) {
          ids.add(token);
        }
      }
      return ids;
    }
  }

  /** The image's findings were matched against the vulnerability database at most {@code max} ago. */
  record ScanAge(Duration max) implements Criterion {
    public ScanAge {
      if (max == null || max.isNegative() || max.isZero()) {
        throw new IllegalArgumentException("scan age must be a positive ISO-8601 duration such as P7D");
      }
    }

    @Override
    public Check check(Candidate c) {
      return everyImage(c, image -> {
        Duration age = Duration.between(Instant.ofEpochMilli(image.scan().matchedAt()), c.now());
        return new Check(age.compareTo(max) <= 0, image.label() + ": results are " + age.toSeconds() / 60
            + " minutes old (at most " + max + ")");
      });
    }
  }

  /** Holds when the check holds for each platform image; an image without a usable scan fails it. */
  private static Check everyImage(Candidate c, java.util.function.Function<ImageFacts, Check> check) {
    List<String> reasons = new ArrayList<>();
    boolean passed = true;
    for (ImageFacts image : c.images()) {
      Check one = image.scanned() ? check.apply(image)
          : new Check(false, image.label() + ": " + (image.scan() == null ? "not scanned yet" : "scan failed"));
      passed &= one.passed();
      reasons.add(one.reason());
    }
    if (c.images().isEmpty()) {
      return new Check(false, "no image to judge");
    }
    return new Check(passed, String.join("; ", reasons));
  }
}
