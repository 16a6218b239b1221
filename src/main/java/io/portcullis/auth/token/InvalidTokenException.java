package io.portcullis.auth.token;

/**
 * A bearer token was refused: malformed, not signed by a trusted key with ES256, issued by someone
 * else or for another service, expired or not yet valid. The message says which, for logs; clients
 * should get only a generic {@code UNAUTHORIZED}.
 */
public final class InvalidTokenException extends RuntimeException {
  public InvalidTokenException(String message) {
    super(message);
  }

  public InvalidTokenException(String message, Throwable cause) {
    super(message, cause);
  }
}
