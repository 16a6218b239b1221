package io.portcullis.identity.ldap;

/**
 * The directory could not answer: unreachable, timed out, TLS failed, or it refused the service
 * account or the configured search base. Unlike wrong credentials this says nothing about the user;
 * callers should still let local accounts (the bootstrap administrator) log in.
 */
public final class DirectoryUnavailableException extends RuntimeException {

  public DirectoryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
