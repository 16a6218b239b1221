package io.portcullis.auth.login;

import io.portcullis.auth.Principal;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a username and password are checked, wherever they arrive (token endpoint, REST API):
 * passwords throttled per (user, address) and per address, each failed check logged once, a locked
 * login refused without even looking at the password. Generated secrets (robots, personal access
 * tokens) are not throttled: see {@link Credentials#isGeneratedSecret}.
 */
public final class LoginGuard {
  private static final Logger log = LoggerFactory.getLogger(LoginGuard.class);

  private final Credentials credentials;
  private final LoginThrottle throttle;

  public LoginGuard(Credentials credentials, LoginThrottle throttle) {
    this.credentials = credentials;
    this.throttle = throttle;
  }

  /** What became of a login attempt. */
  public sealed interface Outcome {
    record Accepted(Principal principal) implements Outcome {}

    record Refused() implements Outcome {}

    record Locked(Duration retryAfter) implements Outcome {}

    /** The user's directory could not be asked; says nothing about the password. */
    record Unavailable(String reason) implements Outcome {}
  }

  /** Longest part of a failed login's username that is logged, in characters. */
  static final int MAX_LOGGED_USERNAME_LENGTH = 256;

  public Outcome attempt(String username, String password, InetAddress client) {
    boolean throttled = !credentials.isGeneratedSecret(username, password);
    Optional<Duration> locked = throttled ? throttle.retryAfter(username, client) : Optional.empty();
    if (locked.isPresent()) {
      // Not logged: the failures that caused the lock were, and an attacker must not be able to
      // flood the log by hammering a locked account.
      return new Outcome.Locked(locked.get());
    }
    Optional<Principal> principal;
    try {
      principal = credentials.authenticate(username, password);
    } catch (DirectoryUnavailableException e) {
      log.error("login for user '{}' impossible: {}", loggable(username), e.getMessage());
      return new Outcome.Unavailable(e.getMessage());
    }
    if (principal.isEmpty()) {
      if (throttled) {
        throttle.recordFailure(username, client);
      }
      log.warn("login failed for user '{}' from {}", loggable(username), client.getHostAddress());
      return new Outcome.Refused();
    }
    if (throttled) {
      throttle.recordSuccess(username, client);
    }
    return new Outcome.Accepted(principal.get());
  }

  /**
   * The username as it may go into a log line: the client chose it, so control characters are escaped
   * (a line break would let it forge further log lines) and its length is bounded.
   */
  static String loggable(String username) {
    StringBuilder out = new StringBuilder();
    int end = Math.min(username.length(), MAX_LOGGED_USERNAME_LENGTH);
    for (int i = 0; i < end; i++) {
      char c = username.charAt(i);
      if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return end < username.length() ? out.append("…").toString() : out.toString();
  }
}
