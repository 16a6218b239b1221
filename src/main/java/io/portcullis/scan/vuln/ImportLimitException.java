package io.portcullis.scan.vuln;

/** An import source exceeded one of the {@link ImportLimits} (entry count or uncompressed bytes). */
public final class ImportLimitException extends AdvisoryImportException {

  private static final long serialVersionUID = 1L;

  public ImportLimitException(String source, String limit, long allowed) {
    super(source + ": exceeds " + limit + " (" + allowed + ")");
  }
}
