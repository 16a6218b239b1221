package io.portcullis.scan.version;

import java.util.Locale;
import java.util.Map;

/**
 * OSV ecosystem names: their canonical spelling and the version ordering each uses.
 *
 * <p>Distribution ecosystems carry a release after a colon. They are normalised so that inventories and
 * advisories meet: {@code Alpine:3.16}, {@code Alpine:v3.16.9} → {@code Alpine:v3.16};
 * {@code Debian:12.4}, {@code Debian:bookworm} → {@code Debian:12}. Language ecosystems are
 * case-insensitive ({@code pypi} → {@code PyPI}).
 */
public final class Ecosystems {

  /** Debian release codenames, as the security tracker names releases. */
  public static final Map<String, String> DEBIAN_CODENAMES = Map.ofEntries(
      Map.entry("squeeze", "6"), Map.entry("wheezy", "7"), Map.entry("jessie", "8"),
      Map.entry("stretch", "9"), Map.entry("buster", "10"), Map.entry("bullseye", "11"),
      Map.entry("bookworm", "12"), Map.entry("trixie", "13"), Map.entry("forky", "14"),
      Map.entry("duke", "15"));

  private static final Map<String, String> CANONICAL = Map.ofEntries(
      Map.entry("alpine", "Alpine"), Map.entry("wolfi", "Wolfi"), Map.entry("chainguard", "Chainguard"),
      Map.entry("debian", "Debian"), Map.entry("ubuntu", "Ubuntu"),
      Map.entry("red hat", "Red Hat"), Map.entry("rocky linux", "Rocky Linux"),
      Map.entry("almalinux", "AlmaLinux"), Map.entry("opensuse", "openSUSE"), Map.entry("suse", "SUSE"),
      Map.entry("mageia", "Mageia"), Map.entry("photon os", "Photon OS"),
      Map.entry("maven", "Maven"), Map.entry("npm", "npm"), Map.entry("pypi", "PyPI"), Map.entry("go", "Go"),
      Map.entry("rubygems", "RubyGems"), Map.entry("crates.io", "crates.io"),
      Map.entry("packagist", "Packagist"), Map.entry("nuget", "NuGet"), Map.entry("hex", "Hex"),
      Map.entry("pub", "Pub"));

  private static final Map<String, VersionComparator> BY_BASE = Map.ofEntries(
      Map.entry("Alpine", ApkVersionComparator.INSTANCE), Map.entry("Wolfi", ApkVersionComparator.INSTANCE),
      Map.entry("Chainguard", ApkVersionComparator.INSTANCE),
      Map.entry("Debian", DpkgVersionComparator.INSTANCE), Map.entry("Ubuntu", DpkgVersionComparator.INSTANCE),
      Map.entry("Red Hat", RpmVersionComparator.INSTANCE), Map.entry("Rocky Linux", RpmVersionComparator.INSTANCE),
      Map.entry("AlmaLinux", RpmVersionComparator.INSTANCE), Map.entry("openSUSE", RpmVersionComparator.INSTANCE),
      Map.entry("SUSE", RpmVersionComparator.INSTANCE), Map.entry("Mageia", RpmVersionComparator.INSTANCE),
      Map.entry("Photon OS", RpmVersionComparator.INSTANCE),
      Map.entry("Maven", MavenVersionComparator.INSTANCE), Map.entry("npm", SemverComparator.NPM),
      Map.entry("PyPI", Pep440VersionComparator.INSTANCE), Map.entry("Go", SemverComparator.GO),
      Map.entry("RubyGems", RubyGemsVersionComparator.INSTANCE), Map.entry("crates.io", SemverComparator.SEMVER),
      Map.entry("Packagist", ComposerVersionComparator.INSTANCE), Map.entry("NuGet", SemverComparator.NUGET),
      Map.entry("Hex", SemverComparator.SEMVER), Map.entry("Pub", SemverComparator.SEMVER));

  private Ecosystems() {}

  /**
   * The version ordering of an OSV ecosystem ({@code Alpine:v3.16} → apk, {@code Debian:12} → dpkg, ...).
   *
   * @throws UnsupportedEcosystemException for an ecosystem without a known ordering
   */
  public static VersionComparator comparatorFor(String ecosystem) {
    VersionComparator comparator = BY_BASE.get(base(normalize(ecosystem)));
    if (comparator == null) {
      throw new UnsupportedEcosystemException(ecosystem);
    }
    return comparator;
  }

  /** Whether the ecosystem is a Linux distribution, whose advisories name source packages. */
  public static boolean isDistribution(String ecosystem) {
    VersionComparator c = BY_BASE.get(base(normalize(ecosystem)));
    return c == ApkVersionComparator.INSTANCE || c == DpkgVersionComparator.INSTANCE
        || c == RpmVersionComparator.INSTANCE;
  }

  /** Canonical spelling with the distribution release normalised; unknown names are returned trimmed. */
  public static String normalize(String ecosystem) {
    if (ecosystem == null) {
      throw new IllegalArgumentException("ecosystem is null");
    }
    String trimmed = ecosystem.strip();
    int colon = trimmed.indexOf(':');
    String base = colon >= 0 ? trimmed.substring(0, colon) : trimmed;
    String release = colon >= 0 ? trimmed.substring(colon + 1).strip() : null;
    String canonical = CANONICAL.getOrDefault(base.toLowerCase(Locale.ROOT), base);
    if (release == null || release.isEmpty()) {
      return canonical;
    }
    return canonical + ":" + switch (canonical) {
      case "Alpine" -> alpineRelease(release);
      case "Debian" -> debianRelease(release);
      default -> release;
    };
  }

  private static String base(String normalized) {
    int colon = normalized.indexOf(':');
    return colon >= 0 ? normalized.substring(0, colon) : normalized;
  }

  private static String alpineRelease(String release) {
    String r = release.startsWith("v") ? release.substring(1) : release;
    int first = r.indexOf('.');
    int second = first >= 0 ? r.indexOf('.', first + 1) : -1;
    if (second >= 0) {
      r = r.substring(0, second);
    }
    return r.equals("edge") ? r : "v" + r;
  }

  private static String debianRelease(String release) {
    String codename = DEBIAN_CODENAMES.get(release.toLowerCase(Locale.ROOT));
    if (codename != null) {
      return codename;
    }
    int dot = release.indexOf('.');
    return dot > 0 ? release.substring(0, dot) : release;
  }
}
