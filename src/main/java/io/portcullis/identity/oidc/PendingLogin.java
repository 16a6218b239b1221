package io.portcullis.identity.oidc;

/**
 * What a started login must keep server-side (never in the browser) until its callback arrives, for
 * a few minutes at most, and use only once.
 *
 * @param state        binds the callback to this browser session
 * @param nonce        binds the ID token to this login
 * @param codeVerifier the PKCE secret whose S256 challenge went to the provider
 */
public record PendingLogin(String state, String nonce, String codeVerifier) {

  public PendingLogin {
    requireValue(state, "state");
    requireValue(nonce, "nonce");
    requireValue(codeVerifier, "codeVerifier");
  }

  private static void requireValue(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
  }

  @Override
  public String toString() {
    return "PendingLogin[state=" + state + "]";
  }
}
