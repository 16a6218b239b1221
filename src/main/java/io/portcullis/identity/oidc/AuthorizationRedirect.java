package io.portcullis.identity.oidc;

import java.net.URI;
import java.util.Objects;

/**
 * Where to send the browser to log in, and what to keep until it comes back.
 *
 * @param url     the provider's authorization URL with client, redirect URI, scopes, state, nonce and
 *                PKCE S256 challenge
 * @param pending the values {@link OidcClient#complete} needs; keep them server-side
 */
public record AuthorizationRedirect(URI url, PendingLogin pending) {

  public AuthorizationRedirect {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(pending, "pending");
  }
}
