package io.portcullis.identity.oidc;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * How to reach an OpenID provider and read its users.
 *
 * @param issuer                      the provider's issuer URL, exactly as in its discovery document;
 *                                    {@code https} unless the host is the loopback interface
 * @param clientId                    this registry's client id at the provider
 * @param clientSecret                its secret (the caller keeps it encrypted at rest)
 * @param redirectUri                 the registry's callback URL, registered at the provider
 * @param scopes                      requested scopes; must include {@code openid}
 * @param usernameClaim               claim that becomes the username, usually
 *                                    {@code preferred_username}; the subject when absent
 * @param groupsClaim                 claim listing group names, usually {@code groups}
 * @param acceptedAccessTokenClients  client ids whose access tokens {@link
 *                                    OidcClient#validateAccessToken} accepts (when the provider offers
 *                                    token introspection); normally this client and a CLI client
 * @param httpTimeout                 connect and read timeout for each call to the provider
 * @param clockSkew                   tolerance on token times, at most 5 minutes
 * @param accessTokenCacheTime        how long a validated access token is remembered (never beyond its
 *                                    expiry); zero disables the cache. It bounds how late a revocation
 *                                    at the provider takes effect
 */
public record OidcSettings(
    URI issuer,
    String clientId,
    String clientSecret,
    URI redirectUri,
    List<String> scopes,
    String usernameClaim,
    String groupsClaim,
    Set<String> acceptedAccessTokenClients,
    Duration httpTimeout,
    Duration clockSkew,
    Duration accessTokenCacheTime) {

  public static final List<String> DEFAULT_SCOPES = List.of("openid", "profile", "email", "groups");
  public static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
  public static final Duration DEFAULT_ACCESS_TOKEN_CACHE_TIME = Duration.ofSeconds(60);
  private static final Duration MAX = Duration.ofMinutes(5);

  /** @throws IllegalArgumentException naming the first value that is missing or malformed */
  public OidcSettings {
    Objects.requireNonNull(issuer, "issuer");
    if (issuer.getHost() == null || issuer.getRawQuery() != null || issuer.getRawFragment() != null
        || !(issuer.getScheme().equals("https") || issuer.getScheme().equals("http") && isLoopback(issuer.getHost()))) {
      throw new IllegalArgumentException("issuer '" + issuer
          + "' must be an https URL without query or fragment (http only on the loopback interface)");
    }
    requireNonBlank(clientId, "client id");
    requireNonBlank(clientSecret, "client secret");
    Objects.requireNonNull(redirectUri, "redirectUri");
    if (!redirectUri.isAbsolute() || redirectUri.getHost() == null || redirectUri.getRawFragment() != null
        || !Set.of("http", "https").contains(redirectUri.getScheme())) {
      throw new IllegalArgumentException("redirect URI '" + redirectUri + "' must be an absolute http(s) URL without fragment");
    }
    scopes = List.copyOf(scopes);
    if (!scopes.contains("openid")) {
      throw new IllegalArgumentException("scopes " + scopes + " must include openid");
    }
    scopes.forEach(scope -> requireNonBlank(scope, "scope"));
    requireNonBlank(usernameClaim, "username claim");
    requireNonBlank(groupsClaim, "groups claim");
    acceptedAccessTokenClients = Set.copyOf(acceptedAccessTokenClients);
    if (acceptedAccessTokenClients.isEmpty()) {
      throw new IllegalArgumentException("at least one client must be accepted for access tokens");
    }
    requireDuration(httpTimeout, "HTTP timeout", false);
    requireDuration(clockSkew, "clock skew", true);
    requireDuration(accessTokenCacheTime, "access token cache time", true);
  }

  /**
   * Settings with the default scopes ({@code openid profile email groups}), {@code preferred_username}
   * and {@code groups} claims, access tokens accepted from this client only, and default timeouts.
   */
  public static OidcSettings of(URI issuer, String clientId, String clientSecret, URI redirectUri) {
    return new OidcSettings(issuer, clientId, clientSecret, redirectUri, DEFAULT_SCOPES, "preferred_username",
        "groups", Set.of(clientId), DEFAULT_HTTP_TIMEOUT, DEFAULT_CLOCK_SKEW, DEFAULT_ACCESS_TOKEN_CACHE_TIME);
  }

  /** Keeps the client secret out of logs and error messages. */
  @Override
  public String toString() {
    return "OidcSettings[issuer=" + issuer + ", clientId=" + clientId + ", redirectUri=" + redirectUri
        + ", scopes=" + scopes + ", usernameClaim=" + usernameClaim + ", groupsClaim=" + groupsClaim + "]";
  }

  private static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost") || h.equals("[::1]") || h.matches("127(\\.\\d{1,3}){3}");
  }

  private static void requireNonBlank(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
  }

  private static void requireDuration(Duration value, String what, boolean zeroAllowed) {
    Objects.requireNonNull(value, what);
    if (value.isNegative() || !zeroAllowed && value.isZero() || value.compareTo(MAX) > 0) {
      throw new IllegalArgumentException(what + " must be between " + (zeroAllowed ? "0" : "1 ms") + " and "
          + MAX + ", not " + value);
    }
  }
}
