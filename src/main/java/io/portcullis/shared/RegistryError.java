package io.portcullis.shared;

/**
 * Failures of the registry domain, named after the OCI Distribution Spec error codes they are reported
 * as. Several domain failures may share one spec code; the edge decides the transport status.
 */
public enum RegistryError {
  BLOB_UNKNOWN("BLOB_UNKNOWN", "blob unknown to registry"),
  BLOB_UPLOAD_INVALID("BLOB_UPLOAD_INVALID", "blob upload invalid"),
  BLOB_UPLOAD_UNKNOWN("BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry"),
  DIGEST_INVALID("DIGEST_INVALID", "provided digest did not match uploaded content"),
  MANIFEST_BLOB_UNKNOWN("MANIFEST_BLOB_UNKNOWN", "manifest references a manifest or blob unknown to registry"),
  MANIFEST_INVALID("MANIFEST_INVALID", "manifest invalid"),
  MANIFEST_UNKNOWN("MANIFEST_UNKNOWN", "manifest unknown to registry"),
  MANIFEST_TOO_LARGE("SIZE_INVALID", "manifest exceeds the size limit"),
  UNSUPPORTED_MEDIA_TYPE("UNSUPPORTED", "the media type is not supported"),
  NAME_INVALID("NAME_INVALID", "invalid repository name"),
  NAME_UNKNOWN("NAME_UNKNOWN", "repository name not known to registry"),
  TAG_INVALID("TAG_INVALID", "invalid tag"),
  SIZE_INVALID("SIZE_INVALID", "provided length did not match content length"),
  RANGE_INVALID("RANGE_INVALID", "invalid content range"),
  REQUESTED_RANGE_NOT_SATISFIABLE("RANGE_INVALID", "requested range not satisfiable"),
  PAGINATION_NUMBER_INVALID("PAGINATION_NUMBER_INVALID", "invalid number of results requested"),
  TAG_IMMUTABLE("DENIED", "the tag is immutable"),
  UNAUTHORIZED("UNAUTHORIZED", "authentication required"),
  DENIED("DENIED", "requested access to the resource is denied"),
  /** A pull gate refuses the manifest; the detail names the gate and the reason. */
  PULL_REFUSED("DENIED", "pull refused"),
  TOO_MANY_REQUESTS("TOOMANYREQUESTS", "too many requests"),
  /** A pull-through cache could reach none of its upstreams for content it does not hold. */
  UPSTREAM_UNAVAILABLE("UNAVAILABLE", "the upstream registry is unavailable"),
  UNSUPPORTED("UNSUPPORTED", "the operation is unsupported");

  private final String code;
  private final String message;

  RegistryError(String code, String message) {
    this.code = code;
    this.message = message;
  }

  /** The error code as written in the spec's JSON error body. */
  public String code() {
    return code;
  }

  public String message() {
    return message;
  }

  public RegistryException exception(String detail) {
    return new RegistryException(this, detail);
  }

  public RegistryException exception() {
    return new RegistryException(this, null);
  }
}
