package io.portcullis.identity.jdbc;

import io.portcullis.identity.PersonalAccessToken;
import io.portcullis.identity.TokenScope;
import io.portcullis.identity.TokenStore;
import io.portcullis.metadata.Tx;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

/** {@link TokenStore} in the {@code personal_access_tokens} table. */
public final class JdbcTokenStore implements TokenStore {
  private static final String COLUMNS = "id, owner, name, scope, created_at, expires_at, revoked_at, last_used_at";
  private static final RowMapper<PersonalAccessToken> MAPPER = (rs, ctx) -> new PersonalAccessToken(
      rs.getString("id"), rs.getString("owner"), rs.getString("name"), TokenScope.fromWireName(rs.getString("scope")),
      Rows.instant(rs, "created_at"), Rows.instant(rs, "expires_at"), Rows.instant(rs, "revoked_at"),
      Rows.instant(rs, "last_used_at"));

  @Override
  public int count(Tx tx, String owner) {
    return tx.handle().createQuery("SELECT COUNT(*) FROM personal_access_tokens WHERE owner = ?").bind(0, owner)
        .mapTo(Integer.class).one();
  }

  @Override
  public void insert(Tx tx, String id, String owner, String name, String secretHash, TokenScope scope, long createdAt,
      Instant expiresAt) {
    tx.handle().createUpdate("INSERT INTO personal_access_tokens(id, owner, name, secret_hash, scope, created_at,"
            + " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(0, id).bind(1, owner).bind(2, name).bind(3, secretHash).bind(4, scope.wireName())
        .bind(5, createdAt).bind(6, Rows.millis(expiresAt)).execute();
  }

  @Override
  public Optional<PersonalAccessToken> find(Tx tx, String id) {
    return tx.handle().createQuery("SELECT " + COLUMNS + " FROM personal_access_tokens WHERE id = ?").bind(0, id)
        .map(MAPPER).findOne();
  }

  @Override
  public List<PersonalAccessToken> list(Tx tx, String owner) {
    return tx.handle().createQuery("SELECT " + COLUMNS + " FROM personal_access_tokens WHERE owner = ?"
            + " ORDER BY created_at DESC, id")
        .bind(0, owner).map(MAPPER).list();
  }

  @Override
  public boolean exists(Tx tx, String id, String owner) {
    return Rows.exists(tx.handle(), "SELECT 1 FROM personal_access_tokens WHERE id = ? AND owner = ?", id, owner);
  }

  @Override
  public boolean revoke(Tx tx, String id, long at) {
    return tx.handle().createUpdate(
            "UPDATE personal_access_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
        .bind(0, at).bind(1, id).execute() == 1;
  }

  @Override
  public int revokeAll(Tx tx, String owner, long at) {
    return tx.handle().createUpdate(
            "UPDATE personal_access_tokens SET revoked_at = ? WHERE owner = ? AND revoked_at IS NULL")
        .bind(0, at).bind(1, owner).execute();
  }

  @Override
  public boolean delete(Tx tx, String id, String owner) {
    return tx.handle().createUpdate("DELETE FROM personal_access_tokens WHERE id = ? AND owner = ?")
        .bind(0, id).bind(1, owner).execute() > 0;
  }

  @Override
  public long activeUntil(Tx tx, String id) {
    return tx.handle().createQuery("SELECT t.expires_at, t.revoked_at, u.disabled FROM personal_access_tokens t"
            + " JOIN users u ON u.name = t.owner WHERE t.id = ?")
        .bind(0, id)
        .map((rs, ctx) -> {
          Long expires = Rows.nullableLong(rs, "expires_at");
          boolean standing = Rows.nullableLong(rs, "revoked_at") == null && !rs.getBoolean("disabled");
          return standing ? (expires == null ? Long.MAX_VALUE : expires) : 0L;
        })
        .findOne().orElse(0L);
  }

  @Override
  public Optional<StoredToken> stored(Tx tx, String id) {
    return tx.handle().createQuery(
            "SELECT owner, secret_hash, scope, expires_at, revoked_at FROM personal_access_tokens WHERE id = ?")
        .bind(0, id)
        .map((rs, ctx) -> new StoredToken(rs.getString("owner"), rs.getString("secret_hash"),
            TokenScope.fromWireName(rs.getString("scope")), Rows.nullableLong(rs, "expires_at"),
            Rows.nullableLong(rs, "revoked_at")))
        .findOne();
  }

  @Override
  public void recordUse(Tx tx, String id, long at, long minIntervalMillis) {
    tx.handle().createUpdate("UPDATE personal_access_tokens SET last_used_at = ? WHERE id = ?"
            + " AND (last_used_at IS NULL OR last_used_at < ?)")
        .bind(0, at).bind(1, id).bind(2, at - minIntervalMillis).execute();
  }
}
