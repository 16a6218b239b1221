package io.portcullis.scan.severity;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import us.springett.cvss.Cvss;
import us.springett.cvss.CvssV2;
import us.springett.cvss.CvssV3;
import us.springett.cvss.CvssV3_1;
import us.springett.cvss.CvssV4;
import us.springett.cvss.MalformedVectorException;

/**
 * Scores CVSS vectors with the FIRST formulas as implemented by {@code us.springett:cvss-calculator}
 * (v2, v3.0, v3.1 and v4.0 with its macro-vector table). Results are memoised: advisory feeds repeat a
 * small set of vectors.
 */
public final class CvssScorer {

  private static final int MAX_CACHED = 100_000;
  private static final int MAX_VECTOR_LENGTH = 512;
  private static final Map<String, CvssScore> CACHE = new ConcurrentHashMap<>();

  private CvssScorer() {}

  /**
   * Scores a vector ({@code CVSS:4.0/…}, {@code CVSS:3.1/…}, {@code CVSS:3.0/…} or a bare v2 vector).
   *
   * @throws InvalidCvssVectorException when it is not a complete vector of those versions
   */
  public static CvssScore score(String vector) {
    if (vector == null || vector.isBlank()) {
      throw new InvalidCvssVectorException(vector, "empty");
    }
    if (vector.length() > MAX_VECTOR_LENGTH) {
      throw new InvalidCvssVectorException(vector, "longer than " + MAX_VECTOR_LENGTH + " characters");
    }
    String v = vector.strip();
    CvssScore cached = CACHE.get(v);
    if (cached != null) {
      return cached;
    }
    CvssScore computed = compute(v);
    if (CACHE.size() < MAX_CACHED) {
      CACHE.put(v, computed);
    }
    return computed;
  }

  private static CvssScore compute(String vector) {
    Cvss cvss;
    try {
      cvss = Cvss.fromVector(vector);
    } catch (MalformedVectorException | IllegalArgumentException e) {
      throw new InvalidCvssVectorException(vector, e.getMessage());
    }
    if (cvss == null) {
      throw new InvalidCvssVectorException(vector, "not a CVSS v2, v3.x or v4.0 vector");
    }
    String version = switch (cvss) {
      case CvssV4 v4 -> "4.0";
      case CvssV3_1 v31 -> "3.1";
      case CvssV3 v3 -> "3.0";
      case CvssV2 v2 -> "2.0";
      default -> throw new InvalidCvssVectorException(vector, "unsupported CVSS version");
    };
    double value = cvss.calculateScore().getBaseScore();
    if (Double.isNaN(value) || value < 0 || value > 10) {
      throw new InvalidCvssVectorException(vector, "score out of range: " + value);
    }
    return new CvssScore(version, value, vector);
  }
}
