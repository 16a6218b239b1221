package io.portcullis.shared;

/** A request the registry refuses for a reason the client can act on; never a server fault. */
public final class RegistryException extends RuntimeException {
  private final RegistryError error;
  private final transient Object detail;

  public RegistryException(RegistryError error, Object detail) {
    super(detail == null ? error.message() : error.message() + ": " + detail, null, false, false);
    this.error = error;
    this.detail = detail;
  }

  public RegistryError error() {
    return error;
  }

  /** Extra machine-readable detail for the error body (a string or a small map); may be null. */
  public Object detail() {
    return detail;
  }
}
