package io.portcullis.scan.severity;

/**
 * Docker Trusted Registry's three severity levels, which Portcullis reports.
 *
 * <p>From a CVSS base score (v4.0, v3.1, v3.0 or v2): <b>critical</b> ≥ 9.0; <b>major</b> 7.0–8.9;
 * <b>minor</b> 0.1–6.9 (a score of 0.0, "none" in CVSS, is also reported as minor: DTR has no lower level).
 *
 * <p>Without any vector, from the source's own word: {@code CRITICAL} → critical; {@code HIGH} (GHSA,
 * Debian urgency {@code high}, Red Hat {@code important}) → major; {@code MODERATE}/{@code medium},
 * {@code LOW}/{@code low}, Debian {@code unimportant}, {@code negligible} → minor. A vector always wins
 * over a word. With neither (Alpine's secdb carries no severity and no alias record has any) the
 * severity is unknown and reported as minor, flagged {@link SeverityRating.Basis#UNKNOWN}.
 */
public enum SeverityBucket {
  MINOR,
  MAJOR,
  CRITICAL;

  public static SeverityBucket ofScore(double baseScore) {
    if (baseScore >= 9.0) {
      return CRITICAL;
    }
    if (baseScore >= 7.0) {
      return MAJOR;
    }
    return MINOR;
  }
}
