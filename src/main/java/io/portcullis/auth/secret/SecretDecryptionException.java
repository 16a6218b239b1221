package io.portcullis.auth.secret;

/**
 * A sealed secret could not be opened: the master secret differs from the one it was sealed with, the
 * stored bytes were altered or truncated, or they were sealed for another name.
 */
public final class SecretDecryptionException extends RuntimeException {
  public SecretDecryptionException(String message) {
    super(message);
  }

  public SecretDecryptionException(String message, Throwable cause) {
    super(message, cause);
  }
}
