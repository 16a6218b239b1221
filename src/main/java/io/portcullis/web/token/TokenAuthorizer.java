package io.portcullis.web.token;

import io.portcullis.auth.AccessController;
import io.portcullis.auth.Action;
import io.portcullis.auth.Principal;
import io.portcullis.auth.ResourceScope;
import io.portcullis.auth.ResourceType;
import io.portcullis.auth.token.InvalidTokenException;
import io.portcullis.auth.token.TokenService;
import io.portcullis.auth.token.VerifiedToken;
import io.portcullis.shared.Caller;
import io.portcullis.web.Authorizer;
import io.portcullis.web.Exchange;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Authorizes registry requests by the bearer tokens of the Docker token protocol: a request without
 * a valid token, or whose token lacks an action, is challenged to fetch one from the token endpoint.
 */
public final class TokenAuthorizer implements Authorizer {
  private final TokenService tokens;
  private final AccessController access;
  private final String service;
  private final String publicUrl;

  /** @param publicUrl external base URL for the realm; empty to derive it from each request */
  public TokenAuthorizer(TokenService tokens, AccessController access, String service, String publicUrl) {
    this.tokens = tokens;
    this.access = access;
    this.service = service;
    this.publicUrl = publicUrl;
  }

  @Override
  public Caller require(Exchange ex, ResourceType type, String name, Action... actions) {
    String bearer = bearer(ex);
    VerifiedToken token;
    try {
      token = bearer == null ? null : tokens.verify(bearer);
    } catch (InvalidTokenException e) {
      throw new AccessChallenge(scope(type, name, actions), "invalid_token");
    }
    if (token == null) {
      throw new AccessChallenge(scope(type, name, actions), null);
    }
    for (Action action : actions) {
      if (!token.permits(type, name, action)) {
        throw new AccessChallenge(scope(type, name, actions), "insufficient_scope");
      }
    }
    return caller(ex, token);
  }

  private static String scope(ResourceType type, String name, Action... actions) {
    return type.wireName() + ":" + name + ":"
        + Arrays.stream(actions).map(Action::wireName).collect(Collectors.joining(","));
  }

  @Override
  public Caller authenticated(Exchange ex) {
    return caller(ex, verified(ex, null));
  }

  @Override
  public boolean holds(Exchange ex, ResourceType type, String name, Action action) {
    String bearer = bearer(ex);
    if (bearer == null) {
      return false;
    }
    try {
      return tokens.verify(bearer).permits(type, name, action);
    } catch (InvalidTokenException e) {
      return false;
    }
  }

  @Override
  public boolean mayAccess(Exchange ex, ResourceType type, String name, Action action) {
    String bearer = bearer(ex);
    if (bearer == null) {
      return false;
    }
    try {
      Principal principal = tokens.verify(bearer).principal();
      return !access.grant(principal, new ResourceScope(type, name, Set.of(action))).isEmpty();
    } catch (InvalidTokenException e) {
      return false;
    }
  }

  @Override
  public Principal principal(Exchange ex) {
    String bearer = bearer(ex);
    if (bearer == null) {
      return Principal.anonymous();
    }
    try {
      return tokens.verify(bearer).principal();
    } catch (InvalidTokenException e) {
      return Principal.anonymous();
    }
  }

  @Override
  public String challengeHeader(Exchange ex, AccessChallenge challenge) {
    StringBuilder header = new StringBuilder("Bearer realm=\"")
        .append(publicUrl.isEmpty() ? ex.baseUrl() : publicUrl).append("/auth/token\",service=\"")
        .append(service).append('"');
    if (challenge.scope() != null) {
      header.append(",scope=\"").append(challenge.scope()).append('"');
    }
    if (challenge.error() != null) {
      header.append(",error=\"").append(challenge.error()).append('"');
    }
    return header.toString();
  }

  private VerifiedToken verified(Exchange ex, String scope) {
    String bearer = bearer(ex);
    if (bearer == null) {
      throw new AccessChallenge(scope, null);
    }
    try {
      return tokens.verify(bearer);
    } catch (InvalidTokenException e) {
      throw new AccessChallenge(scope, "invalid_token");
    }
  }

  private static String bearer(Exchange ex) {
    String header = ex.header(HttpHeader.AUTHORIZATION);
    if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return header.substring(7).trim();
  }

  private static Caller caller(Exchange ex, VerifiedToken token) {
    String subject = token.principal().subject();
    ex.user(subject.isEmpty() ? null : subject);
    return new Caller(subject.isEmpty() ? "anonymous" : subject, ex.clientAddress(), ex.requestId());
  }
}
