package io.portcullis.web.token;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.auth.InvalidScopeException;
import io.portcullis.auth.Principal;
import io.portcullis.auth.ResourceScope;
import io.portcullis.auth.ScopeParser;
import io.portcullis.auth.login.Credentials;
import io.portcullis.auth.login.LoginThrottle;
import io.portcullis.auth.token.IssuedToken;
import io.portcullis.auth.token.TokenService;
import io.portcullis.web.Exchange;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /auth/token}: the Docker token endpoint. Basic credentials (or none, for anonymous) and
 * the requested scopes in; a signed token holding exactly the granted subset out.
 */
public final class TokenEndpoint {
  private static final Logger log = LoggerFactory.getLogger(TokenEndpoint.class);
  /** Longest part of a failed login's username that is logged, in characters. */
  static final int MAX_LOGGED_USERNAME_LENGTH = 256;

  private final TokenService tokens;
  private final Credentials credentials;
  private final LoginThrottle throttle;
  private final ScopeParser scopes;
  private final String service;
  private final ObjectMapper json;

  public TokenEndpoint(TokenService tokens, Credentials credentials, LoginThrottle throttle, ScopeParser scopes,
      String service, ObjectMapper json) {
    this.tokens = tokens;
    this.credentials = credentials;
    this.throttle = throttle;
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
    InetAddress client = ex.clientInetAddress();
    Optional<Duration> locked = throttle.retryAfter(username, client);
    if (locked.isPresent()) {
      ex.header("Retry-After", Long.toString(Math.max(1, locked.get().toSeconds())));
      error(ex, 429, "too_many_requests", "too many failed logins; retry later");
      return Optional.empty();
    }
    Optional<Principal> principal = credentials.authenticate(username, password);
    if (principal.isEmpty()) {
      throttle.recordFailure(username, client);
      log.warn("login failed for user '{}' from {}", loggable(username), ex.clientAddress());
      ex.header("WWW-Authenticate", "Basic realm=\"" + service + "\"");
      error(ex, 401, "unauthorized", "invalid username or password");
      return Optional.empty();
    }
    throttle.recordSuccess(username);
    return principal;
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

  private void error(Exchange ex, int status, String code, String message) throws IOException {
    ObjectNode body = json.createObjectNode();
    body.put("error", code);
    body.put("error_description", message);
    ObjectNode entry = body.putArray("errors").addObject();
    entry.put("code", status == 401 ? "UNAUTHORIZED" : status == 429 ? "TOOMANYREQUESTS" : "DENIED");
    entry.put("message", message);
    ex.sendJson(status, json, body);
  }

}
