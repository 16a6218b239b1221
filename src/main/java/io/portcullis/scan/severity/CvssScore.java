package io.portcullis.scan.severity;

/**
 * A computed CVSS score.
 *
 * @param version {@code 2.0}, {@code 3.0}, {@code 3.1} or {@code 4.0}
 * @param score   the score the vector specifies: the base score, or for a v4.0 vector that also sets
 *                threat/environmental metrics the CVSS-BT/BE/BTE score, as FIRST's calculator shows it
 * @param vector  the vector as given
 */
public record CvssScore(String version, double score, String vector) {

  public SeverityBucket bucket() {
    return SeverityBucket.ofScore(score);
  }
}
