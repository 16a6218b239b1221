package io.portcullis.scan.severity;

/**
 * The severity decided for one vulnerability.
 *
 * @param bucket critical / major / minor
 * @param score  CVSS base score when decided from a vector, else null
 * @param vector the CVSS vector used, else null
 * @param basis  what the decision rests on
 * @param label  the source's severity word when decided from a label, else null
 */
public record SeverityRating(SeverityBucket bucket, Double score, String vector, Basis basis, String label) {

  public enum Basis { CVSS, LABEL, UNKNOWN }

  public static final SeverityRating UNKNOWN = new SeverityRating(SeverityBucket.MINOR, null, null, Basis.UNKNOWN, null);
}
