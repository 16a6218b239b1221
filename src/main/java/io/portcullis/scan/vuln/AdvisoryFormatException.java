package io.portcullis.scan.vuln;

/** A record or document that does not have the structure its format requires; names the source. */
public final class AdvisoryFormatException extends AdvisoryImportException {

  private static final long serialVersionUID = 1L;

  public AdvisoryFormatException(String source, String problem) {
    super(source + ": " + problem);
  }

  public AdvisoryFormatException(String source, String problem, Throwable cause) {
    super(source + ": " + problem, cause);
  }
}
