package io.portcullis.identity.oidc;

/**
 * The callback's {@code state} is missing or is not the one this login started with: a forged or
 * replayed callback (login CSRF), or a callback for another browser session. Nothing was exchanged.
 */
public final class OidcStateMismatchException extends OidcException {

  OidcStateMismatchException(String message) {
    super(message, null);
  }
}
