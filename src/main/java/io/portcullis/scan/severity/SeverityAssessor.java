package io.portcullis.scan.severity;

import io.portcullis.scan.vuln.Advisory;
import io.portcullis.scan.vuln.AffectedMatch;
import io.portcullis.scan.vuln.AffectedPackage;
import io.portcullis.scan.vuln.SeverityEntry;
import io.portcullis.scan.vuln.VulnerabilityGroup;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides the severity of one vulnerability found in one package (thresholds and label mapping: see
 * {@link SeverityBucket}).
 *
 * <p>Evidence is consulted in this order, and the first usable piece decides: CVSS vectors of the
 * matching records (the matching package's own vectors, then the record's), then vectors of the other
 * records of the same vulnerability (aliases — how an Alpine or Debian finding gets the GHSA/NVD
 * vector); only when there is no usable vector anywhere, the severity words in the same order. Within one
 * record the newest CVSS version wins (4.0, then 3.1, 3.0, 2). Invalid vectors are skipped.
 */
public final class SeverityAssessor {

  private SeverityAssessor() {}

  public static SeverityRating rate(List<AffectedMatch> matches, VulnerabilityGroup group) {
    Set<String> matchedIds = new HashSet<>();
    List<List<SeverityEntry>> vectorSets = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (AffectedMatch match : matches) {
      vectorSets.add(match.affected().severity());
      vectorSets.add(match.advisory().severity());
      labels.add(match.affected().severityLabel());
      labels.add(match.advisory().severityLabel());
      matchedIds.add(match.advisory().id());
    }
    for (Advisory other : group.advisories()) {
      if (matchedIds.contains(other.id())) {
        continue;
      }
      vectorSets.add(other.severity());
      for (AffectedPackage affected : other.affected()) {
        vectorSets.add(affected.severity());
      }
      labels.add(other.severityLabel());
    }
    for (List<SeverityEntry> entries : vectorSets) {
      CvssScore best = newestValid(entries);
      if (best != null) {
        return new SeverityRating(best.bucket(), best.score(), best.vector(), SeverityRating.Basis.CVSS, null);
      }
    }
    for (String label : labels) {
      SeverityBucket bucket = bucketOfLabel(label);
      if (bucket != null) {
        return new SeverityRating(bucket, null, null, SeverityRating.Basis.LABEL, label);
      }
    }
    return SeverityRating.UNKNOWN;
  }

  /** Maps a source's severity word; null for words that say nothing (e.g. "not yet assigned"). */
  public static SeverityBucket bucketOfLabel(String label) {
    if (label == null) {
      return null;
    }
    return switch (label.strip().toLowerCase(Locale.ROOT)) {
      case "critical" -> SeverityBucket.CRITICAL;
      case "high", "important" -> SeverityBucket.MAJOR;
      case "moderate", "medium", "low", "unimportant", "negligible", "minor" -> SeverityBucket.MINOR;
      default -> null;
    };
  }

  private static CvssScore newestValid(List<SeverityEntry> entries) {
    CvssScore best = null;
    for (SeverityEntry entry : entries) {
      if (entry.score() == null || !looksLikeCvss(entry)) {
        continue;
      }
      try {
        CvssScore score = CvssScorer.score(entry.score());
        if (best == null || score.version().compareTo(best.version()) > 0) {
          best = score;
        }
      } catch (InvalidCvssVectorException e) {
        // An unusable vector is no evidence; the next one decides.
      }
    }
    return best;
  }

  private static boolean looksLikeCvss(SeverityEntry entry) {
    return entry.type() == null || entry.type().toUpperCase(Locale.ROOT).startsWith("CVSS")
        || entry.score().startsWith("CVSS:");
  }
}
