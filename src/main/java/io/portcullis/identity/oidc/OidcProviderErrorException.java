package io.portcullis.identity.oidc;

/**
 * The provider answered with an OAuth 2.0 error, e.g. {@code access_denied} when the user declined
 * consent or {@code invalid_grant} for a reused code or a wrong PKCE verifier.
 */
public final class OidcProviderErrorException extends OidcException {
  private final String errorCode;

  OidcProviderErrorException(String errorCode, String message) {
    super(message, null);
    this.errorCode = errorCode;
  }

  /** The OAuth 2.0 {@code error} code, e.g. {@code access_denied}; {@code unknown} if none was given. */
  public String errorCode() {
    return errorCode;
  }
}
