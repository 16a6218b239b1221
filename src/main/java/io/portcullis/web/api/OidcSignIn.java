package io.portcullis.web.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.portcullis.auth.Principal;
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
import java.time.Duration;
import java.util.List;

/**
 * OpenID Connect sign-in for people: {@code /auth/oidc/login} sends the browser to the provider
 * (authorization code with PKCE, state and nonce), {@code /auth/oidc/callback} completes it,
 * synchronises the user and their group-mapped teams, and answers a short-lived API token; with it
 * the user can create a personal access token for the CLI and registry clients.
 */
public final class OidcSignIn {
  /** Logins not completed within this time must start again. */
  private static final Duration PENDING_LIFETIME = Duration.ofMinutes(10);

  private final OidcClient client;
  private final DirectoryCredentials credentials;
  private final TokenService tokens;
  private final ObjectMapper json;
  private final Cache<String, PendingLogin> pending = Caffeine.newBuilder().maximumSize(100_000)
      .expireAfterWrite(PENDING_LIFETIME).build();

  public OidcSignIn(OidcClient client, DirectoryCredentials credentials, TokenService tokens, ObjectMapper json) {
    this.client = client;
    this.credentials = credentials;
    this.tokens = tokens;
    this.json = json;
  }

  void login(Exchange ex) throws IOException {
    AuthorizationRedirect redirect;
    try {
      redirect = client.start();
    } catch (OidcProviderUnavailableException e) {
      throw new Problem(503, "Service Unavailable", "the identity provider cannot be reached").failure();
    }
    pending.put(redirect.pending().state(), redirect.pending());
    ex.header("Location", redirect.url().toString());
    ex.header("Cache-Control", "no-store");
    ex.sendEmpty(302, 0);
  }

  void callback(Exchange ex) throws IOException {
    String state = ex.query("state");
    PendingLogin login = state == null ? null : pending.asMap().remove(state);
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
    IssuedToken issued = tokens.issue(principal, List.of());
    ObjectNode body = json.createObjectNode();
    body.put("username", principal.subject());
    body.put("token", issued.token());
    body.put("expires_in", issued.expiresInSeconds());
    ex.header("Cache-Control", "no-store");
    ex.sendJson(200, json, body);
  }

}
