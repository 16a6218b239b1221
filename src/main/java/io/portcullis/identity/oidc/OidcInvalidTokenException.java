package io.portcullis.identity.oidc;

/**
 * An ID token or access token is not acceptable: bad or missing signature, unexpected algorithm,
 * wrong issuer or audience, expired, nonce mismatch, inactive or issued to another client, or claims
 * of the wrong shape.
 */
public final class OidcInvalidTokenException extends OidcException {

  OidcInvalidTokenException(String message, Throwable cause) {
    super(message, cause);
  }
}
