package io.portcullis.identity.oidc;

/**
 * The provider could not be reached, answered something that is not a protocol response, or its
 * discovery document does not fit this client (e.g. it signs ID tokens only with algorithms this
 * client refuses). Local accounts should still be able to log in.
 */
public final class OidcProviderUnavailableException extends OidcException {

  OidcProviderUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
