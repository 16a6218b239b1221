package io.portcullis.scan.version;

/** An OSV ecosystem for which Portcullis has no version ordering. */
public final class UnsupportedEcosystemException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public UnsupportedEcosystemException(String ecosystem) {
    super("no version ordering known for ecosystem '" + ecosystem + "'");
  }
}
