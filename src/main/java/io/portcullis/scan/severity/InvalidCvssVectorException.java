package io.portcullis.scan.severity;

/** A string that is not a CVSS v2, v3.0, v3.1 or v4.0 vector with all base metrics. */
public final class InvalidCvssVectorException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public InvalidCvssVectorException(String vector, String reason) {
    super("invalid CVSS vector '" + (vector != null && vector.length() > 200 ? vector.substring(0, 200) : vector)
        + "': " + reason);
  }
}
