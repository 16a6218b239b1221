package io.portcullis.identity;

import io.portcullis.metadata.Tx;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Personal access tokens (their secrets as hashes only). */
public interface TokenStore {
  /** How many tokens, revoked ones included, the user has. */
  int count(Tx tx, String owner);

  /** @param expiresAt when the token stops working; null for never */
  void insert(Tx tx, String id, String owner, String name, String secretHash, TokenScope scope, long createdAt,
      Instant expiresAt);

  Optional<PersonalAccessToken> find(Tx tx, String id);

  /** The user's tokens, newest first. */
  List<PersonalAccessToken> list(Tx tx, String owner);

  boolean exists(Tx tx, String id, String owner);

  /** @return false if the token was revoked already (or does not exist) */
  boolean revoke(Tx tx, String id, long at);

  /** Revokes every standing token of the user. @return how many */
  int revokeAll(Tx tx, String owner, long at);

  /** @return false if the owner has no such token */
  boolean delete(Tx tx, String id, String owner);

  /**
   * Until when (epoch milliseconds) the token stands: {@link Long#MAX_VALUE} when it never expires, 0 when
   * it does not exist, is revoked or its owner is disabled.
   */
  long activeUntil(Tx tx, String id);

  /** The token's login data, if it exists. */
  Optional<StoredToken> stored(Tx tx, String id);

  /** Sets the last use to {@code at} unless one was recorded less than {@code minIntervalMillis} before. */
  void recordUse(Tx tx, String id, long at, long minIntervalMillis);

  /**
   * A token's login data.
   *
   * @param expiresAt epoch milliseconds, or null for never
   * @param revokedAt epoch milliseconds, or null
   */
  record StoredToken(String owner, String secretHash, TokenScope scope, Long expiresAt, Long revokedAt) {}
}
