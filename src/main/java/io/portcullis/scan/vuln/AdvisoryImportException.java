package io.portcullis.scan.vuln;

import java.io.IOException;

/** An advisory source could not be imported: malformed content or a size limit exceeded. */
public class AdvisoryImportException extends IOException {

  private static final long serialVersionUID = 1L;

  public AdvisoryImportException(String message) {
    super(message);
  }

  public AdvisoryImportException(String message, Throwable cause) {
    super(message, cause);
  }
}
