package io.portcullis.scan.severity;

import io.portcullis.scan.vuln.Advisory;
import io.portcullis.scan.vuln.AffectedMatch;
import io.portcullis.scan.vuln.AffectedPackage;
import io.portcullis.scan.vuln.SeverityEntry;
import io.portcullis.scan.vuln.VulnerabilityGroup;
import java.util.List;
import java.util.Locale;

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
    for (AffectedMatch match : matches) {
      SeverityRating rating = fromVectors(match.affected().severity());
      if (rating == null) {
        rating = fromVectors(match.advisory().severity());
      }
      if (rating != null) {
        return rating;
      }
    }
    for (Advisory other : group.advisories()) {
      if (isMatched(other, matches)) {
        continue;
      }
      SeverityRating rating = fromVectors(other.severity());
      for (int i = 0; rating == null && i < other.affected().size(); i++) {
        rating = fromVectors(other.affected().get(i).severity());
      }
      if (rating != null) {
        return rating;
      }
    }
    for (AffectedMatch match : matches) {
      SeverityRating rating = fromLabel(match.affected().severityLabel());
      if (rating == null) {
        rating = fromLabel(match.advisory().severityLabel());
      }
      if (rating != null) {
        return rating;
      }
    }
    for (Advisory other : group.advisories()) {
      SeverityRating rating = isMatched(other, matches) ? null : fromLabel(other.severityLabel());
      if (rating != null) {
        return rating;
      }
    }
    return SeverityRating.UNKNOWN;
  }

  private static boolean isMatched(Advisory advisory, List<AffectedMatch> matches) {
    for (AffectedMatch match : matches) {
      if (match.advisory() == advisory) {
        return true;
      }
    }
    return false;
  }

  private static SeverityRating fromVectors(List<SeverityEntry> entries) {
    CvssScore best = newestValid(entries);
    return best == null ? null
        : new SeverityRating(best.bucket(), best.score(), best.vector(), SeverityRating.Basis.CVSS, null);
  }

  private static SeverityRating fromLabel(String label) {
    SeverityBucket bucket = bucketOfLabel(label);
    return bucket == null ? null : new SeverityRating(bucket, null, null, SeverityRating.Basis.LABEL, label);
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
    return entry.type() == null || entry.type().regionMatches(true, 0, "CVSS", 0, 4)
        || entry.score().startsWith("CVSS:");
  }
}
