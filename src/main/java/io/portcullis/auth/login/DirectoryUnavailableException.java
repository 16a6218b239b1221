package io.portcullis.auth.login;

/**
 * An external directory could not be asked. Logins of local users and of the bootstrap administrator
 * never reach the directory, so they keep working; the edge answers directory users with 503.
 */
public final class DirectoryUnavailableException extends RuntimeException {
  public DirectoryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
