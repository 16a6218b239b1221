package io.portcullis.scan.layer;

/**
 * A layer that exceeded one of the {@link LayerLimits} or tried to escape the layer root. Scanning of
 * that layer stops; the caller can go on with other layers and record the reason.
 */
public final class HostileLayerException extends LayerException {

  /** Which defence tripped. */
  public enum Reason {
    TOO_MANY_ENTRIES,
    TOO_MANY_BYTES,
    COMPRESSION_RATIO,
    PATH_TOO_LONG,
    HEADER_TOO_LARGE
  }

  private final Reason reason;

  public HostileLayerException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
