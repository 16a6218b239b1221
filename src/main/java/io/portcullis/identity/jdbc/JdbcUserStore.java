package io.portcullis.identity.jdbc;

import io.portcullis.identity.User;
import io.portcullis.identity.UserSource;
import io.portcullis.identity.UserStore;
import io.portcullis.metadata.Tx;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

/** {@link UserStore} in the {@code users} table. */
public final class JdbcUserStore implements UserStore {
  private static final String COLUMNS = "name, display_name, email, system_admin, source, external_id, disabled,"
      + " password_hash IS NOT NULL AS has_password, created_at, last_login_at";
  private static final RowMapper<User> MAPPER = (rs, ctx) -> new User(rs.getString("name"),
      rs.getString("display_name"), rs.getString("email"), rs.getBoolean("system_admin"),
      UserSource.fromWireName(rs.getString("source")), rs.getString("external_id"), rs.getBoolean("disabled"),
      rs.getBoolean("has_password"), Rows.instant(rs, "created_at"), Rows.instant(rs, "last_login_at"));

  @Override
  public void insert(Tx tx, String name, UserSource source, String displayName, String email, String passwordHash,
      boolean systemAdmin, long createdAt) {
    tx.handle().createUpdate("INSERT INTO users(name, display_name, email, password_hash, system_admin, source,"
            + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(0, name).bind(1, displayName).bind(2, email).bind(3, passwordHash).bind(4, systemAdmin)
        .bind(5, source.wireName()).bind(6, createdAt).execute();
  }

  @Override
  public Optional<User> find(Tx tx, String name) {
    return tx.handle().createQuery("SELECT " + COLUMNS + " FROM users WHERE name = ?").bind(0, name).map(MAPPER)
        .findOne();
  }

  @Override
  public boolean exists(Tx tx, String name) {
    return Rows.exists(tx.handle(), "SELECT 1 FROM users WHERE name = ?", name);
  }

  @Override
  public List<User> page(Tx tx, String after, int limit) {
    return tx.handle().createQuery("SELECT " + COLUMNS + " FROM users WHERE name > ? ORDER BY name LIMIT ?")
        .bind(0, after == null ? "" : after).bind(1, limit).map(MAPPER).list();
  }

  @Override
  public List<String> enabledNames(Tx tx, UserSource source) {
    return tx.handle().createQuery("SELECT name FROM users WHERE source = ? AND NOT disabled ORDER BY name")
        .bind(0, source.wireName()).mapTo(String.class).list();
  }

  @Override
  public Optional<UserSource> source(Tx tx, String name) {
    return tx.handle().createQuery("SELECT source FROM users WHERE name = ?").bind(0, name).mapTo(String.class)
        .findOne().map(UserSource::fromWireName);
  }

  @Override
  public boolean hasExternalId(Tx tx, UserSource source, String externalId, String otherThan) {
    return Rows.exists(tx.handle(), "SELECT 1 FROM users WHERE source = ? AND external_id = ? AND name <> ?",
        source.wireName(), externalId, otherThan);
  }

  @Override
  public void updateProfile(Tx tx, String name, String displayName, String email) {
    tx.handle().createUpdate("UPDATE users SET display_name = ?, email = ? WHERE name = ?")
        .bind(0, displayName).bind(1, email).bind(2, name).execute();
  }

  @Override
  public void updateDirectoryProfile(Tx tx, String name, String displayName, String email, String externalId) {
    tx.handle().createUpdate("UPDATE users SET display_name = ?, email = ?, external_id = ? WHERE name = ?")
        .bind(0, displayName).bind(1, email).bind(2, externalId).bind(3, name).execute();
  }

  @Override
  public void setSystemAdmin(Tx tx, String name, boolean systemAdmin) {
    tx.handle().createUpdate("UPDATE users SET system_admin = ? WHERE name = ?").bind(0, systemAdmin).bind(1, name)
        .execute();
  }

  @Override
  public void setDisabled(Tx tx, String name, boolean disabled) {
    tx.handle().createUpdate("UPDATE users SET disabled = ? WHERE name = ?").bind(0, disabled).bind(1, name)
        .execute();
  }

  @Override
  public void setPasswordHash(Tx tx, String name, String passwordHash) {
    tx.handle().createUpdate("UPDATE users SET password_hash = ? WHERE name = ?").bind(0, passwordHash)
        .bind(1, name).execute();
  }

  @Override
  public Optional<String> passwordHash(Tx tx, String name) {
    return tx.handle().createQuery("SELECT password_hash FROM users WHERE name = ? AND password_hash IS NOT NULL")
        .bind(0, name).mapTo(String.class).findOne();
  }

  @Override
  public void setLastLogin(Tx tx, String name, long at) {
    tx.handle().createUpdate("UPDATE users SET last_login_at = ? WHERE name = ?").bind(0, at).bind(1, name)
        .execute();
  }

  @Override
  public void recordLogin(Tx tx, String name, long at, long minIntervalMillis) {
    tx.handle().createUpdate(
            "UPDATE users SET last_login_at = ? WHERE name = ? AND (last_login_at IS NULL OR last_login_at < ?)")
        .bind(0, at).bind(1, name).bind(2, at - minIntervalMillis).execute();
  }
}
