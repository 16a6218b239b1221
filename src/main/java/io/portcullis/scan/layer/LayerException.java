package io.portcullis.scan.layer;

import java.io.IOException;

/** A layer that cannot be read as an OCI layer tar stream (corrupt, truncated, unknown compression). */
public class LayerException extends IOException {
  public LayerException(String message) {
    super(message);
  }

  public LayerException(String message, Throwable cause) {
    super(message, cause);
  }
}
