package io.portcullis.web;

import io.portcullis.auth.Action;
import io.portcullis.auth.Principal;
import io.portcullis.auth.ResourceType;
import io.portcullis.shared.Caller;

/** Decides, for one request, whether its credentials allow what the endpoint is about to do. */
public interface Authorizer {

  /**
   * The caller, when the request's credentials hold every one of {@code actions} on the resource.
   *
   * @throws AccessChallenge when they do not (or there are none): the client must (re)authenticate
   */
  Caller require(Exchange exchange, ResourceType type, String name, Action... actions);

  /** The caller of any request with valid credentials, whatever they grant. */
  Caller authenticated(Exchange exchange);

  /** Whether the request's credentials hold {@code action} on the resource; never throws for a denial. */
  boolean holds(Exchange exchange, ResourceType type, String name, Action action);

  /**
   * Whether the principal behind the request's credentials may perform {@code action} on the resource,
   * whatever its token carries: filters listings such as the catalog.
   */
  boolean mayAccess(Exchange exchange, ResourceType type, String name, Action action);

  /** The principal the request's credentials act for; anonymous without valid ones. */
  Principal principal(Exchange exchange);

  /** The {@code WWW-Authenticate} header value that answers {@code challenge}. */
  String challengeHeader(Exchange exchange, AccessChallenge challenge);

  /** A refusal that tells the client how to obtain credentials for {@code scope} (null: no scope). */
  final class AccessChallenge extends RuntimeException {
    private final String scope;
    private final String error;

    public AccessChallenge(String scope, String error) {
      super("authentication required" + (scope == null ? "" : " for " + scope), null, false, false);
      this.scope = scope;
      this.error = error;
    }

    public String scope() {
      return scope;
    }

    /** {@code invalid_token} or {@code insufficient_scope}, or null when no credentials were sent. */
    public String error() {
      return error;
    }
  }
}
