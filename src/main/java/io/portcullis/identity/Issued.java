package io.portcullis.identity;

/**
 * A created robot or personal access token together with its secret. The secret is shown to the
 * caller this once; only its hash is stored.
 */
public record Issued<T>(T account, String secret) {
  @Override
  public String toString() {
    return "Issued[" + account + ", secret=<redacted>]";
  }
}
