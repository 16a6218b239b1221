package io.portcullis.auth;

/**
 * A requested scope does not follow the Docker scope grammar, names a foreign registry, or exceeds a
 * size limit. The message names the offending part and is safe to return to the client.
 */
public final class InvalidScopeException extends IllegalArgumentException {
  public InvalidScopeException(String message) {
    super(message);
  }
}
