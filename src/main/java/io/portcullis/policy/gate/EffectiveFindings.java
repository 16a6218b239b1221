package io.portcullis.policy.gate;

import io.portcullis.scan.ImageScan;
import io.portcullis.scan.match.Finding;
import io.portcullis.scan.match.SeverityCounts;
import java.util.List;
import java.util.Optional;

/**
 * The vulnerabilities of a manifest as gates, promotion and the API count them: the scanner's findings of
 * each image (one, or each platform of an index), each either in force or suppressed by an allowlist entry
 * or an OpenVEX statement, with the reason.
 *
 * @param images the manifest itself, or the children of an index in index order
 */
public record EffectiveFindings(List<Image> images) {

  /** How a finding stopped counting. */
  public record Suppression(Source source, String reason) {
    public enum Source {
      ALLOWLIST("allowlist"),
      OPENVEX("openvex");

      private final String wireName;

      Source(String wireName) {
        this.wireName = wireName;
      }

      public String wireName() {
        return wireName;
      }
    }
  }

  /** One finding and, when it does not count, why. */
  public record Assessed(Finding finding, Suppression suppression) {
    public boolean inForce() {
      return suppression == null;
    }
  }

  /**
   * One image.
   *
   * @param platform {@code os/arch[/variant]} of an index child; null for a manifest on its own
   * @param scan     its stored scan; empty when it was never scanned
   * @param findings every finding of a successful scan, assessed; empty otherwise
   */
  public record Image(String digest, String platform, Optional<ImageScan> scan, List<Assessed> findings) {
    /** Whether the image has a successful scan, the only kind whose counts mean something. */
    public boolean scanned() {
      return scan.isPresent() && scan.get().status().equals(ImageScan.SUCCEEDED);
    }

    /** Whether the scanner does not read this kind of manifest (signatures, SBOMs, other artifacts). */
    public boolean unsupported() {
      return scan.isPresent() && scan.get().status().equals(ImageScan.UNSUPPORTED);
    }

    public List<Finding> inForce() {
      return findings.stream().filter(Assessed::inForce).map(Assessed::finding).toList();
    }

    /** Distinct vulnerabilities in force by severity. */
    public SeverityCounts counts() {
      return SeverityCounts.of(inForce());
    }

    /** Distinct vulnerabilities whose every finding is suppressed. */
    public int suppressedCount() {
      return EffectiveFindings.suppressedCount(findings);
    }
  }

  /** Whether every image has a successful scan. */
  public boolean scanned() {
    return images.stream().allMatch(Image::scanned);
  }

  /** Findings in force across every image. */
  public List<Finding> inForce() {
    return images.stream().flatMap(i -> i.inForce().stream()).toList();
  }

  /** Distinct vulnerabilities in force across every image, by severity: the counts promotion criteria compare. */
  public SeverityCounts counts() {
    return SeverityCounts.of(inForce());
  }

  public int suppressedCount() {
    return suppressedCount(images.stream().flatMap(i -> i.findings().stream()).toList());
  }

  private static int suppressedCount(List<Assessed> findings) {
    java.util.Set<String> inForce = new java.util.HashSet<>();
    java.util.Set<String> suppressed = new java.util.HashSet<>();
    for (Assessed a : findings) {
      (a.inForce() ? inForce : suppressed).add(a.finding().vulnerabilityId());
    }
    suppressed.removeAll(inForce);
    return suppressed.size();
  }
}
