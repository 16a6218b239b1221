package io.portcullis.web.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.audit.AuditLog;
import io.portcullis.auth.Principal;
import io.portcullis.auth.login.Credentials;
import io.portcullis.auth.token.InvalidTokenException;
import io.portcullis.auth.token.TokenService;
import io.portcullis.web.Exchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The REST API under {@code /api/v1}: JSON in and out, RFC 9457 problems for errors, authenticated by
 * a registry bearer token or basic credentials.
 */
public final class ApiV1 {
  static final String PREFIX = "/api/v1";
  private static final int MAX_PAGE = 500;

  private final AuditLog audit;
  private final TokenService tokens;
  private final Credentials credentials;
  private final ObjectMapper json;

  public ApiV1(AuditLog audit, TokenService tokens, Credentials credentials, ObjectMapper json) {
    this.audit = audit;
    this.tokens = tokens;
    this.credentials = credentials;
    this.json = json;
  }

  public void handle(Exchange ex) throws IOException {
    try {
      String path = ex.path().substring(PREFIX.length());
      switch (path) {
        case "/audit" -> {
          ex.route("api.audit");
          requireGet(ex);
          requireAdmin(ex);
          listAudit(ex);
        }
        default -> {
          ex.route("api.unknown");
          throw Problem.notFound("no API resource at " + ex.path()).failure();
        }
      }
    } catch (Problem.Failure f) {
      problem(ex, f.problem());
    }
  }

  private void listAudit(Exchange ex) throws IOException {
    int limit = intParam(ex, "limit", 100, 1, MAX_PAGE);
    long before = intParam(ex, "before", 0, 0, Integer.MAX_VALUE);
    List<AuditLog.Entry> entries = audit.list(before, limit, ex.query("repository"), ex.query("actor"));
    ObjectNode body = json.createObjectNode();
    body.set("items", json.valueToTree(entries));
    if (entries.size() == limit) {
      long next = entries.getLast().id();
      body.put("next", PREFIX + "/audit?limit=" + limit + "&before=" + next);
      ex.header("Link", "<" + PREFIX + "/audit?limit=" + limit + "&before=" + next + ">; rel=\"next\"");
    }
    ex.sendJson(200, json, body);
  }

  private Principal requireAdmin(Exchange ex) {
    Principal principal = authenticate(ex).orElseThrow(() -> {
      ex.header("WWW-Authenticate", "Basic realm=\"portcullis\"");
      return new Problem(401, "Unauthorized", "credentials are required").failure();
    });
    if (principal.kind() != Principal.Kind.ADMIN) {
      throw new Problem(403, "Forbidden", "administrators only").failure();
    }
    return principal;
  }

  private Optional<Principal> authenticate(Exchange ex) {
    String header = ex.header(HttpHeader.AUTHORIZATION);
    if (header == null) {
      return Optional.empty();
    }
    if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      try {
        return Optional.of(tokens.verify(header.substring(7).trim()).principal());
      } catch (InvalidTokenException e) {
        return Optional.empty();
      }
    }
    if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return colon < 0 ? Optional.empty()
            : credentials.authenticate(decoded.substring(0, colon), decoded.substring(colon + 1));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static void requireGet(Exchange ex) {
    if (!ex.method().equals("GET")) {
      throw new Problem(405, "Method Not Allowed", ex.method() + " is not supported here").failure();
    }
  }

  private static int intParam(Exchange ex, String name, int fallback, int min, int max) {
    String value = ex.query(name);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < min || parsed > max) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw Problem.badRequest(name + " must be an integer from " + min + " to " + max).failure();
    }
  }

  private void problem(Exchange ex, Problem problem) throws IOException {
    ex.failure(problem.title() + ": " + problem.detail());
    ObjectNode body = json.createObjectNode();
    body.put("type", "about:blank");
    body.put("title", problem.title());
    body.put("status", problem.status());
    body.put("detail", problem.detail());
    body.put("instance", ex.path());
    ex.send(problem.status(), "application/problem+json", json.writeValueAsBytes(body));
  }
}
