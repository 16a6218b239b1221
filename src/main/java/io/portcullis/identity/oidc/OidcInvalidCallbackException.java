package io.portcullis.identity.oidc;

/**
 * The callback is malformed: unparsable or too long, without a code, or naming another issuer
 * (RFC 9207 mix-up defence).
 */
public final class OidcInvalidCallbackException extends OidcException {

  OidcInvalidCallbackException(String message, Throwable cause) {
    super(message, cause);
  }
}
