package io.portcullis.auth.login;

import io.portcullis.auth.Principal;
import java.util.Optional;

/**
 * Checks a username and password, as sent with basic authentication to the token endpoint.
 *
 * <p>Implementations take the same time whether or not the user exists, never say which part was
 * wrong, and do not log or throttle: the caller consults {@link LoginThrottle} first and logs a
 * failure once. Thread-safe.
 */
public interface Credentials {

  /** The principal the credentials belong to, or empty if they are wrong. */
  Optional<Principal> authenticate(String username, String password);

  /**
   * Whether this login is checked against a generated secret (a robot's secret, a personal access
   * token) rather than a password. Such a login is never checked against a password, so it cannot be
   * used to guess one, and its secret is too long to guess: it is not throttled, and password failures
   * never lock it.
   */
  default boolean isGeneratedSecret(String username, String password) {
    return false;
  }
}
