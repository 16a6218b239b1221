package io.portcullis.metadata;

import io.portcullis.auth.secret.SecretStore;
import java.time.Clock;
import java.util.Optional;

/** Secrets in the metadata database, so every replica sees the same keys. */
public final class JdbcSecretStore implements SecretStore {
  private final Database db;
  private final Clock clock;

  public JdbcSecretStore(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  @Override
  public Optional<byte[]> get(String name) {
    SecretStore.requireValidName(name);
    return db.readOnly(tx -> tx.handle().createQuery("SELECT value FROM secrets WHERE name = ?").bind(0, name)
        .mapTo(byte[].class).findOne());
  }

  @Override
  public void put(String name, byte[] value) {
    SecretStore.requireValidName(name);
    SecretStore.requireValidValue(value);
    db.inTransaction(tx -> tx.handle().createUpdate("INSERT INTO secrets(name, value, updated_at) VALUES (?, ?, ?) "
            + "ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")
        .bind(0, name).bind(1, value).bind(2, clock.millis()).execute());
  }
}
