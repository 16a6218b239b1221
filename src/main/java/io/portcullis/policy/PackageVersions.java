package io.portcullis.policy;

import io.portcullis.scan.version.Ecosystems;
import io.portcullis.scan.version.InvalidVersionException;
import io.portcullis.scan.version.UnsupportedEcosystemException;
import io.portcullis.scan.version.VersionComparator;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A version range of a package criterion: comma-separated bounds ({@code >=1.1.1,<3.0.7}, {@code =2.6.2}),
 * all of which must hold, each compared in the package's own ecosystem order (apk, dpkg, Maven, semver…).
 * A version the ecosystem cannot order is outside every range.
 */
public record PackageVersions(String text, List<Bound> bounds) {
  private static final Pattern BOUND = Pattern.compile("\\s*(>=|<=|!=|==|=|<|>|≥|≤|≠)\\s*([^\\s,]+)\\s*");

  /** One bound: the installed version compared with {@code version} by {@code op}. */
  public record Bound(Comparison op, String version) {}

  public PackageVersions {
    bounds = List.copyOf(bounds);
  }

  /** @throws IllegalArgumentException when the text is no list of bounds */
  public static PackageVersions parse(String text) {
    if (text == null || text.isBlank() || text.length() > Criterion.MAX_EXPRESSION) {
      throw new IllegalArgumentException("versions must be 1 to " + Criterion.MAX_EXPRESSION + " characters");
    }
    List<Bound> bounds = new ArrayList<>();
    for (String part : text.split(",")) {
      Matcher m = BOUND.matcher(part);
      if (!m.matches()) {
        throw new IllegalArgumentException("versions '" + text + "': '" + part.strip()
            + "' is not an operator (=, !=, <, <=, >, >=) followed by a version");
      }
      bounds.add(new Bound(Comparison.parse(m.group(1)), m.group(2)));
    }
    return new PackageVersions(text.strip(), bounds);
  }

  boolean contains(String ecosystem, String version) {
    try {
      VersionComparator order = Ecosystems.comparatorFor(ecosystem);
      for (Bound bound : bounds) {
        if (!bound.op().test(order.compare(version, bound.version()), 0)) {
          return false;
        }
      }
      return true;
    } catch (InvalidVersionException | UnsupportedEcosystemException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
