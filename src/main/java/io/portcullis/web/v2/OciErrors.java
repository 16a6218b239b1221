package io.portcullis.web.v2;

import io.portcullis.shared.RegistryError;

/** The HTTP status each registry failure is reported with, per the distribution spec. */
final class OciErrors {
  private OciErrors() {}

  static int status(RegistryError error) {
    return switch (error) {
      case BLOB_UNKNOWN, BLOB_UPLOAD_UNKNOWN, MANIFEST_UNKNOWN, NAME_UNKNOWN -> 404;
      case BLOB_UPLOAD_INVALID, DIGEST_INVALID, MANIFEST_BLOB_UNKNOWN, MANIFEST_INVALID, NAME_INVALID,
           TAG_INVALID, SIZE_INVALID, PAGINATION_NUMBER_INVALID -> 400;
      case MANIFEST_TOO_LARGE -> 413;
      case UNSUPPORTED_MEDIA_TYPE -> 415;
      case RANGE_INVALID, REQUESTED_RANGE_NOT_SATISFIABLE -> 416;
      case UNAUTHORIZED -> 401;
      case DENIED -> 403;
      case TAG_IMMUTABLE -> 409;
      case TOO_MANY_REQUESTS -> 429;
      case UNSUPPORTED -> 405;
    };
  }
}
