package io.portcullis.auth.token;

import java.time.Duration;
import java.util.Objects;

/**
 * How tokens are issued and checked.
 *
 * @param issuer                 the {@code iss} claim: this token server's name, usually its host name
 * @param service                the {@code aud} claim: the service name clients pass as {@code service}
 *                               and the registry announces in its {@code WWW-Authenticate} challenge
 * @param lifetime               how long a token is valid, 60 seconds to 1 hour (clients treat anything
 *                               shorter than 60 seconds as 60)
 * @param clockSkew              tolerance on {@code exp} and {@code nbf} between replicas, at most 5 minutes
 * @param verificationCacheSize  most verified tokens remembered to spare repeated signature checks
 */
public record TokenSettings(
    String issuer, String service, Duration lifetime, Duration clockSkew, int verificationCacheSize) {

  public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
  public static final int DEFAULT_VERIFICATION_CACHE_SIZE = 10_000;

  /** @throws IllegalArgumentException if a value is out of its range */
  public TokenSettings {
    requireNonBlank(issuer, "issuer");
    requireNonBlank(service, "service");
    Objects.requireNonNull(lifetime, "lifetime");
    Objects.requireNonNull(clockSkew, "clockSkew");
    if (lifetime.compareTo(Duration.ofSeconds(60)) < 0 || lifetime.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("token lifetime must be between 60 s and 1 h, not " + lifetime);
    }
    if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new IllegalArgumentException("clock skew must be between 0 and 5 min, not " + clockSkew);
    }
    if (verificationCacheSize < 0) {
      throw new IllegalArgumentException("verification cache size must not be negative");
    }
  }

  /** Settings with the default lifetime (5 min), clock skew (30 s) and cache size. */
  public static TokenSettings of(String issuer, String service) {
    return new TokenSettings(issuer, service, DEFAULT_LIFETIME, DEFAULT_CLOCK_SKEW, DEFAULT_VERIFICATION_CACHE_SIZE);
  }

  private static void requireNonBlank(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
  }
}
