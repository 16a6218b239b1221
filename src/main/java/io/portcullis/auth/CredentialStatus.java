package io.portcullis.auth;

/**
 * Whether a revocable credential (see {@link Principal#credential()}) still stands. Tokens issued for
 * a principal carry its credential and are refused as soon as it is revoked, expired or its owner
 * disabled, whatever their own expiry says.
 */
@FunctionalInterface
public interface CredentialStatus {
  boolean isActive(String credential);
}
