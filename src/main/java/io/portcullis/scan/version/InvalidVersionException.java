package io.portcullis.scan.version;

/** A version string that the named scheme cannot parse. */
public final class InvalidVersionException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String scheme;
  private final String version;

  public InvalidVersionException(String scheme, String version, String reason) {
    super("invalid " + scheme + " version '" + abbreviate(version) + "': " + reason);
    this.scheme = scheme;
    this.version = version;
  }

  public String scheme() {
    return scheme;
  }

  public String version() {
    return version;
  }

  private static String abbreviate(String version) {
    if (version == null) {
      return "null";
    }
    return version.length() <= 200 ? version : version.substring(0, 200) + "...";
  }
}
