package io.portcullis.web.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.auth.Principal;
import io.portcullis.auth.secret.SecretBox;
import io.portcullis.auth.secret.SecretDecryptionException;
import io.portcullis.auth.token.IssuedToken;
import io.portcullis.auth.token.TokenService;
import io.portcullis.identity.DirectoryCredentials;
import io.portcullis.identity.ExternalUser;
import io.portcullis.identity.UserSource;
import io.portcullis.identity.oidc.AuthorizationRedirect;
import io.portcullis.identity.oidc.OidcClient;
import io.portcullis.identity.oidc.OidcException;
import io.portcullis.identity.oidc.OidcProviderUnavailableException;
import io.portcullis.identity.oidc.OidcUser;
import io.portcullis.identity.oidc.PendingLogin;
import io.portcullis.web.Exchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;


/**
 * OpenID Connect sign-in for people: {@code /auth/oidc/login} sends the browser to the provider
 * (authorization code with PKCE, state and nonce, kept in a sealed cookie), {@code /auth/oidc/callback}
 * completes it,
 * synchronises the user and their group-mapped teams, and answers a short-lived API token; with it
 * the user can create a personal access token for the CLI and registry clients.
 */
public final class OidcSignIn {
  /** Logins not completed within this time must start again. */
  private static final Duration PENDING_LIFETIME = Duration.ofMinutes(10);
  /** Holds the sealed pending login between the redirect and the callback. */
  static final String COOKIE = "portcullis_oidc";
  private static final String SEAL_NAME = "oidc-pending-login";

  private final OidcClient client;
  private final DirectoryCredentials credentials;
  private final TokenService tokens;
  private final SecretBox box;
  private final Clock clock;
  private final ObjectMapper json;

  /**
   * @param box seals the pending login (state, nonce, PKCE verifier) into a cookie, so the callback may
   *            reach any replica sharing the master key
   */
  public OidcSignIn(OidcClient client, DirectoryCredentials credentials, TokenService tokens, SecretBox box,
      Clock clock, ObjectMapper json) {
    this.client = client;
    this.credentials = credentials;
    this.tokens = tokens;
    this.box = box;
    this.clock = clock;
    this.json = json;
  }

  void login(Exchange ex) throws IOException {
    AuthorizationRedirect redirect;
    try {
      redirect = client.start();
    } catch (OidcProviderUnavailableException e) {
      throw new Problem(503, "Service Unavailable", "the identity provider cannot be reached").failure();
    }
    PendingLogin p = redirect.pending();
    String payload = p.state() + "\n" + p.nonce() + "\n" + p.codeVerifier() + "\n"
        + clock.instant().plus(PENDING_LIFETIME).toEpochMilli();
    String sealed = Base64.getUrlEncoder().withoutPadding()
        .encodeToString(box.seal(SEAL_NAME, payload.getBytes(StandardCharsets.UTF_8)));
    ex.header("Set-Cookie", COOKIE + "=" + sealed + "; Path=/api/v1/auth/oidc; Max-Age=" + PENDING_LIFETIME.toSeconds()
        + "; HttpOnly; SameSite=Lax" + (ex.isSecure() ? "; Secure" : ""));
    ex.header("Location", redirect.url().toString());
    ex.header("Cache-Control", "no-store");
    ex.sendEmpty(302, 0);
  }

  /** The pending login the browser brought back, if it is ours, unexpired and for this state. */
  private PendingLogin pending(Exchange ex, String state) {
    String cookie = cookie(ex.header("Cookie"));
    if (cookie == null || state == null) {
      return null;
    }
    try {
      String[] parts = new String(box.open(SEAL_NAME, Base64.getUrlDecoder().decode(cookie)), StandardCharsets.UTF_8)
          .split("\n");
      if (parts.length != 4 || Long.parseLong(parts[3]) < clock.millis()
          || !MessageDigest.isEqual(parts[0].getBytes(StandardCharsets.UTF_8), state.getBytes(StandardCharsets.UTF_8))) {
        return null;
      }
      return new PendingLogin(parts[0], parts[1], parts[2]);
    } catch (IllegalArgumentException | SecretDecryptionException e) {
      return null;
    }
  }

  private static String cookie(String header) {
    if (header == null) {
      return null;
    }
    for (String part : header.split(";")) {
      String trimmed = part.trim();
      if (trimmed.startsWith(COOKIE + "=")) {
        return trimmed.substring(COOKIE.length() + 1);
      }
    }
    return null;
  }

  void callback(Exchange ex) throws IOException {
    PendingLogin login = pending(ex, ex.query("state"));
    if (login == null) {
      throw Problem.badRequest("unknown or expired sign-in; start again at /api/v1/auth/oidc/login").failure();
    }
    OidcUser user;
    try {
      user = client.complete(ex.rawQuery(), login);
    } catch (OidcProviderUnavailableException e) {
      throw new Problem(503, "Service Unavailable", "the identity provider cannot be reached").failure();
    } catch (OidcException e) {
      throw Problem.badRequest("sign-in refused: " + e.getMessage()).failure();
    }
    Principal principal = credentials.signIn(new ExternalUser(user.username(), UserSource.OIDC, user.subject(),
        user.displayName(), user.email().orElse(null), user.groups()))
        .orElseThrow(() -> new Problem(403, "Forbidden", "this account may not sign in").failure());
    IssuedToken issued = tokens.issueApiSession(principal);
    ObjectNode body = json.createObjectNode();
    body.put("username", principal.subject());
    body.put("token", issued.token());
    body.put("expires_in", issued.expiresInSeconds());
    ex.header("Cache-Control", "no-store");
    ex.header("Set-Cookie", COOKIE + "=; Path=/api/v1/auth/oidc; Max-Age=0; HttpOnly; SameSite=Lax");
    ex.sendJson(200, json, body);
  }

}
