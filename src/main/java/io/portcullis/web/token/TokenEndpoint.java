package io.portcullis.web.token;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.auth.InvalidScopeException;
import io.portcullis.auth.Principal;
import io.portcullis.auth.ResourceScope;
import io.portcullis.auth.ScopeParser;
import io.portcullis.auth.login.LoginGuard;
import io.portcullis.auth.token.IssuedToken;
import io.portcullis.auth.token.TokenService;
import io.portcullis.web.Exchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;

/**
 * {@code GET /auth/token}: the Docker token endpoint. Basic credentials (or none, for anonymous) and
 * the requested scopes in; a signed token holding exactly the granted subset out.
 */
public final class TokenEndpoint {
  private final TokenService tokens;
  private final LoginGuard logins;
  private final ScopeParser scopes;
  private final String service;
  private final ObjectMapper json;

  public TokenEndpoint(TokenService tokens, LoginGuard logins, ScopeParser scopes, String service, ObjectMapper json) {
    this.tokens = tokens;
    this.logins = logins;
    this.scopes = scopes;
    this.service = service;
    this.json = json;
  }

  public void handle(Exchange ex) throws IOException {
    ex.route("auth.token");
    if (!ex.method().equals("GET")) {
      error(ex, 405, "unsupported", ex.method() + " is not supported; use GET");
      return;
    }
    String requestedService = ex.query("service");
    if (requestedService != null && !requestedService.equals(service)) {
      error(ex, 400, "invalid_request", "unknown service '" + requestedService + "'");
      return;
    }
    List<ResourceScope> requested;
    try {
      requested = scopes.withOwnHost(ex.header(HttpHeader.HOST)).parseAll(ex.queryValues("scope"));
    } catch (InvalidScopeException e) {
      error(ex, 400, "invalid_scope", e.getMessage());
      return;
    }
    Optional<Principal> principal = authenticate(ex);
    if (principal.isEmpty()) {
      return;
    }
    IssuedToken issued = tokens.issue(principal.get(), requested);
    ObjectNode body = json.createObjectNode();
    body.put("token", issued.token());
    body.put("access_token", issued.token());
    body.put("expires_in", issued.expiresInSeconds());
    body.put("issued_at", issued.issuedAt().toString());
    ex.header("Cache-Control", "no-store");
    ex.sendJson(200, json, body);
  }

  /** The principal of the request's basic credentials, anonymous without any; empty once answered. */
  private Optional<Principal> authenticate(Exchange ex) throws IOException {
    String header = ex.header(HttpHeader.AUTHORIZATION);
    if (header == null) {
      return Optional.of(Principal.anonymous());
    }
    if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
      error(ex, 400, "invalid_request", "the token endpoint takes basic credentials");
      return Optional.empty();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      error(ex, 400, "invalid_request", "malformed basic credentials");
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      error(ex, 400, "invalid_request", "malformed basic credentials");
      return Optional.empty();
    }
    String username = decoded.substring(0, colon);
    String password = decoded.substring(colon + 1);
    switch (logins.attempt(username, password, ex.clientInetAddress())) {
      case LoginGuard.Outcome.Accepted accepted -> {
        return Optional.of(accepted.principal());
      }
      case LoginGuard.Outcome.Locked locked -> {
        ex.header("Retry-After", Long.toString(Math.max(1, locked.retryAfter().toSeconds())));
        error(ex, 429, "too_many_requests", "too many failed logins; retry later");
        return Optional.empty();
      }
      case LoginGuard.Outcome.Unavailable unavailable -> {
        error(ex, 503, "temporarily_unavailable", "the user directory cannot be reached; try again later");
        return Optional.empty();
      }
      case LoginGuard.Outcome.Refused refused -> {
        ex.header("WWW-Authenticate", "Basic realm=\"" + service + "\"");
        error(ex, 401, "unauthorized", "invalid username or password");
        return Optional.empty();
      }
    }
  }

  private void error(Exchange ex, int status, String code, String message) throws IOException {
    ObjectNode body = json.createObjectNode();
    body.put("error", code);
    body.put("error_description", message);
    ObjectNode entry = body.putArray("errors").addObject();
    entry.put("code", switch (status) {
      case 401 -> "UNAUTHORIZED";
      case 429 -> "TOOMANYREQUESTS";
      case 503 -> "UNAVAILABLE";
      default -> "DENIED";
    });
    entry.put("message", message);
    ex.sendJson(status, json, body);
  }

}
