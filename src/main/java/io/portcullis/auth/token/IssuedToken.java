package io.portcullis.auth.token;

import io.portcullis.auth.ResourceScope;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A freshly signed token and what the token endpoint reports about it. The endpoint returns the
 * token under both {@code token} and {@code access_token} (the Docker and OAuth2 spellings), with
 * {@code expires_in} = {@link #expiresInSeconds()} and {@code issued_at} = {@link #issuedAt()} in
 * RFC 3339 ({@link Instant#toString()}).
 *
 * @param token     the compact JWT
 * @param expiresIn lifetime from {@code issuedAt}
 * @param issuedAt  the {@code iat} claim, whole seconds
 * @param granted   what the token allows, one entry per resource; may be empty
 */
public record IssuedToken(String token, Duration expiresIn, Instant issuedAt, List<ResourceScope> granted) {

  public IssuedToken {
    granted = List.copyOf(granted);
  }

  /** Lifetime in whole seconds, for {@code expires_in}. */
  public long expiresInSeconds() {
    return expiresIn.toSeconds();
  }

  /** The granted scopes space-separated, for the {@code scope} field of an OAuth2 token response. */
  public String scope() {
    return granted.stream().map(ResourceScope::toString).collect(Collectors.joining(" "));
  }

  /** Leaves the token itself out, so that logging an issued token cannot leak a usable credential. */
  @Override
  public String toString() {
    return "IssuedToken[issuedAt=" + issuedAt + ", expiresIn=" + expiresIn + ", granted=" + scope() + "]";
  }
}
