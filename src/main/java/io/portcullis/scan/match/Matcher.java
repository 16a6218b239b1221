package io.portcullis.scan.match;

import io.portcullis.scan.inventory.InstalledPackage;
import io.portcullis.scan.severity.SeverityAssessor;
import io.portcullis.scan.severity.SeverityRating;
import io.portcullis.scan.version.Ecosystems;
import io.portcullis.scan.version.InvalidVersionException;
import io.portcullis.scan.version.UnsupportedEcosystemException;
import io.portcullis.scan.version.VersionComparator;
import io.portcullis.scan.vuln.Advisory;
import io.portcullis.scan.vuln.AdvisoryIndex;
import io.portcullis.scan.vuln.AffectedMatch;
import io.portcullis.scan.vuln.Reference;
import io.portcullis.scan.vuln.VulnerabilityGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Matches an image's inventory against an {@link AdvisoryIndex}.
 *
 * <p>Distribution packages are looked up by their source package and source version in their release's
 * ecosystem (advisories of Alpine, Debian and other distributions name source packages); language
 * packages by name and version. OSV range semantics apply exactly (see {@link AdvisoryIndex}). Records of
 * one vulnerability (CVE, GHSA, DSA, ALPINE-…) that match the same package give one finding, with the
 * CVE as primary id and all other ids as aliases. A package whose version its ecosystem cannot parse is
 * skipped with a warning: one odd package must not fail the scan of an image.
 */
public final class Matcher {

  private static final Logger LOG = LoggerFactory.getLogger(Matcher.class);

  private Matcher() {}

  public static List<Finding> match(List<InstalledPackage> packages, AdvisoryIndex index, MatchOptions options) {
    List<Finding> findings = new ArrayList<>();
    Map<String, Boolean> distributionByEcosystem = new HashMap<>();
    for (InstalledPackage pkg : packages) {
      boolean distribution =
          distributionByEcosystem.computeIfAbsent(pkg.ecosystem(), Ecosystems::isDistribution);
      String name = distribution ? pkg.sourceName() : pkg.name();
      String version = distribution ? pkg.sourceVersion() : pkg.version();
      List<AffectedMatch> matches;
      try {
        matches = index.affecting(pkg.ecosystem(), name, version);
      } catch (InvalidVersionException e) {
        LOG.warn("skipping {} {} at {}: {}", pkg.ecosystem(), pkg.name(), pkg.path(), e.getMessage());
        continue;
      }
      if (matches.isEmpty()) {
        continue;
      }
      // Groups compare by identity: the index holds one instance per vulnerability.
      List<VulnerabilityGroup> groups = new ArrayList<>(matches.size());
      List<List<AffectedMatch>> grouped = new ArrayList<>(matches.size());
      for (AffectedMatch m : matches) {
        int i = indexOf(groups, m.group());
        if (i < 0) {
          groups.add(m.group());
          grouped.add(new ArrayList<>(2));
          i = groups.size() - 1;
        }
        grouped.get(i).add(m);
      }
      for (int i = 0; i < groups.size(); i++) {
        Finding finding = finding(pkg, groups.get(i), grouped.get(i));
        if (finding.fixedVersion() != null || options.includeUnfixed()) {
          findings.add(finding);
        }
      }
    }
    return findings;
  }

  private static int indexOf(List<VulnerabilityGroup> groups, VulnerabilityGroup group) {
    for (int i = 0; i < groups.size(); i++) {
      if (groups.get(i) == group) {
        return i;
      }
    }
    return -1;
  }

  private static Finding finding(InstalledPackage pkg, VulnerabilityGroup group, List<AffectedMatch> matches) {
    String fixed = lowestFix(pkg.ecosystem(), matches);
    SeverityRating severity = SeverityAssessor.rate(matches, group);
    // Matched records speak first, then the other records of the vulnerability.
    List<Advisory> records = new ArrayList<>(matches.size() + group.advisories().size());
    for (AffectedMatch m : matches) {
      if (!containsSame(records, m.advisory())) {
        records.add(m.advisory());
      }
    }
    for (Advisory other : group.advisories()) {
      if (!containsSame(records, other)) {
        records.add(other);
      }
    }
    return new Finding(group.primaryId(), group.aliases(), link(group.primaryId(), records), pkg.name(), pkg.version(),
        fixed, pkg.ecosystem(), pkg.path(), pkg.layerDigest(), severity.bucket(), severity.score(),
        severity.vector(), firstNonEmpty(records, Advisory::summary), firstNonEmpty(records, Advisory::details));
  }

  private static boolean containsSame(List<Advisory> records, Advisory advisory) {
    for (Advisory record : records) {
      if (record == advisory) {
        return true;
      }
    }
    return false;
  }

  private static String lowestFix(String ecosystem, List<AffectedMatch> matches) {
    String fixed = null;
    VersionComparator comparator = null;
    for (AffectedMatch m : matches) {
      String candidate = m.fixedVersion();
      if (candidate == null) {
        continue;
      }
      if (fixed == null) {
        fixed = candidate;
        continue;
      }
      try {
        comparator = comparator != null ? comparator : Ecosystems.comparatorFor(ecosystem);
        if (comparator.compare(candidate, fixed) < 0) {
          fixed = candidate;
        }
      } catch (InvalidVersionException | UnsupportedEcosystemException e) {
        // Fixes from SEMVER ranges may not parse in the ecosystem's ordering; keep the first one.
      }
    }
    return fixed;
  }

  /** An ADVISORY reference of the records naming the primary id, any ADVISORY reference, else derived. */
  static String link(String primaryId, List<Advisory> records) {
    String anyAdvisory = null;
    for (Advisory record : records) {
      for (Reference ref : record.references()) {
        if ("ADVISORY".equalsIgnoreCase(ref.type()) && ref.url() != null) {
          if (ref.url().contains(primaryId)) {
            return ref.url();
          }
          if (anyAdvisory == null) {
            anyAdvisory = ref.url();
          }
        }
      }
    }
    return anyAdvisory != null ? anyAdvisory : derivedLink(primaryId);
  }

  static String derivedLink(String id) {
    if (id.startsWith("CVE-")) {
      return "https://nvd.nist.gov/vuln/detail/" + id;
    }
    if (id.startsWith("GHSA-")) {
      return "https://github.com/advisories/" + id;
    }
    if (id.startsWith("DSA-") || id.startsWith("DLA-") || id.startsWith("DEBIAN-")) {
      String trackerId = id.startsWith("DEBIAN-") ? id.substring("DEBIAN-".length()) : id;
      return "https://security-tracker.debian.org/tracker/" + trackerId;
    }
    return "https://osv.dev/vulnerability/" + id;
  }

  private static String firstNonEmpty(List<Advisory> records, Function<Advisory, String> field) {
    for (Advisory record : records) {
      String value = field.apply(record);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return "";
  }
}
