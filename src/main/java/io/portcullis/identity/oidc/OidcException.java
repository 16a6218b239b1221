package io.portcullis.identity.oidc;

/**
 * Why an OpenID Connect login or access token was not accepted. The subclasses say whose fault it
 * is: the browser's ({@link OidcStateMismatchException}, {@link OidcInvalidCallbackException}), the
 * token's ({@link OidcInvalidTokenException}), or the provider's ({@link OidcProviderErrorException},
 * {@link OidcProviderUnavailableException}). Messages are for logs; they never contain tokens.
 */
public abstract sealed class OidcException extends RuntimeException
    permits OidcStateMismatchException, OidcInvalidCallbackException, OidcInvalidTokenException,
        OidcProviderErrorException, OidcProviderUnavailableException {

  OidcException(String message, Throwable cause) {
    super(message, cause);
  }
}
