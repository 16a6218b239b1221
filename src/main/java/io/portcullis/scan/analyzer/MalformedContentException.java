package io.portcullis.scan.analyzer;

import java.io.IOException;

/** A file an analyzer wanted whose content is not what its format promises (truncated, out of bounds). */
public class MalformedContentException extends IOException {
  public MalformedContentException(String message) {
    super(message);
  }

  public MalformedContentException(String message, Throwable cause) {
    super(message, cause);
  }
}
