package io.portcullis.web.api;

import io.portcullis.auth.AccessController;
import io.portcullis.auth.Action;
import io.portcullis.auth.Principal;
import io.portcullis.auth.ResourceScope;
import io.portcullis.auth.ResourceType;
import io.portcullis.auth.login.LoginGuard;
import io.portcullis.auth.token.InvalidTokenException;
import io.portcullis.auth.token.TokenService;
import io.portcullis.shared.RepositoryName;
import io.portcullis.web.Exchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Who a REST request acts for: a REST session token ({@link TokenService#issueApiSession}) or basic
 * credentials (password, personal access token or robot secret). Registry tokens are refused. Requests without credentials act anonymously where the endpoint allows it;
 * credentials that do not verify are always refused, never downgraded to anonymous.
 */
final class ApiAuthentication {
  private final TokenService tokens;
  private final LoginGuard logins;

  ApiAuthentication(TokenService tokens, LoginGuard logins) {
    this.tokens = tokens;
    this.logins = logins;
  }

  /** What a handler does once the acting principal is known. */
  @FunctionalInterface
  interface Operation {
    void run(Exchange ex, Router.Params p, Principal who) throws IOException;
  }

  /** The problem a domain's refusal is answered with; null for exceptions that are no refusal of that domain. */
  @FunctionalInterface
  interface Refusals {
    Problem.Failure problem(Exchange ex, RuntimeException refusal, Principal who);
  }

  /** A handler that resolves the acting principal, runs {@code operation} and answers its domain's refusals. */
  Router.Handler handler(Operation operation, Refusals refusals) {
    return (ex, params) -> {
      Principal who = optional(ex);
      try {
        operation.run(ex, params, who);
      } catch (Problem.Failure f) {
        throw f;
      } catch (RuntimeException e) {
        Problem.Failure problem = refusals.problem(ex, e, who);
        throw problem == null ? e : problem;
      }
    };
  }

  /** {@link #handler} for operations only signed-in callers have: others get a 401 asking them to sign in to {@code purpose}. */
  Router.Handler signedInHandler(String purpose, Operation operation, Refusals refusals) {
    return handler((ex, p, who) -> {
      if (who.kind() == Principal.Kind.ANONYMOUS) {
        throw unauthorized(ex, "sign in to " + purpose);
      }
      operation.run(ex, p, who);
    }, refusals);
  }

  /** Whether the principal may manage the repository (the {@code *} action), as mirrors and pruning policies require. */
  static boolean managesRepository(AccessController access, Principal who, RepositoryName repository) {
    return access.grant(who, new ResourceScope(ResourceType.REPOSITORY, repository.value(), EnumSet.of(Action.ALL)))
        .contains(Action.ALL);
  }

  /** A refusal's problem; "forbidden" to a caller who did not sign in is a 401 asking to. */
  static Problem.Failure refused(Exchange ex, int status, String message, Principal who) {
    if (status == 403 && who.kind() == Principal.Kind.ANONYMOUS) {
      return unauthorized(ex, "sign in: " + message);
    }
    return Problem.of(status, message).failure();
  }

  /** The signed-in principal. @throws Problem.Failure 401 without valid credentials */
  Principal required(Exchange ex) {
    Principal principal = optional(ex);
    if (principal.kind() == Principal.Kind.ANONYMOUS) {
      throw unauthorized(ex, "credentials are required");
    }
    return principal;
  }

  /**
   * The principal, anonymous when no credentials were sent.
   *
   * @throws Problem.Failure 401 when credentials were sent but do not verify
   */
  Principal optional(Exchange ex) {
    String header = ex.header(HttpHeader.AUTHORIZATION);
    if (header == null) {
      return Principal.anonymous();
    }
    Principal principal = verify(ex, header).orElseThrow(() -> unauthorized(ex, "the credentials are not valid"));
    ex.user(principal.subject());
    return principal;
  }

  /**
   * A 401 problem. Deliberately without a {@code WWW-Authenticate: Basic} challenge: browsers answer
   * one with their own login dialog and then send the cached credentials with every request to the
   * host, cross-site ones included. Clients send credentials pre-emptively (see docs/auth.md).
   */
  static Problem.Failure unauthorized(Exchange ex, String detail) {
    return Problem.of(401, detail).failure();
  }

  private Optional<Principal> verify(Exchange ex, String header) {
    if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      try {
        // Only REST session tokens: a registry token is a narrow, scoped pull/push grant and must never
        // authorize administration (minting tokens, changing passwords).
        return Optional.of(tokens.verifyApiSession(header.substring(7).trim()).principal());
      } catch (InvalidTokenException e) {
        return Optional.empty();
      }
    }
    if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon < 0) {
          return Optional.empty();
        }
        return switch (logins.attempt(decoded.substring(0, colon), decoded.substring(colon + 1), ex.clientInetAddress())) {
          case LoginGuard.Outcome.Accepted accepted -> Optional.of(accepted.principal());
          case LoginGuard.Outcome.Refused refused -> Optional.empty();
          case LoginGuard.Outcome.Unavailable unavailable ->
              throw new Problem(503, "Service Unavailable", "the user directory cannot be reached; try again later")
                  .failure();
          case LoginGuard.Outcome.Locked locked -> {
            ex.header("Retry-After", Long.toString(Math.max(1, locked.retryAfter().toSeconds())));
            throw new Problem(429, "Too Many Requests", "too many failed logins; retry later").failure();
          }
        };
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }
}
