package io.portcullis.metadata;

import java.time.Clock;
import java.time.Duration;

/**
 * Named leases in the metadata database: the one replica that runs a singleton (an event subscriber,
 * a scheduled job) holds its lease and renews it; when the holder dies the lease runs out and another
 * replica takes over. On SQLite there is one process, so its claims always succeed.
 */
public final class Leases {
  private final Database db;
  private final Clock clock;

  public Leases(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Takes or renews {@code name} for {@code holder} unless another holder's lease is still running. */
  public boolean acquire(String name, String holder, Duration ttl) {
    long now = clock.millis();
    return db.inTransaction(tx -> tx.handle()
        .createUpdate("INSERT INTO leases(name, holder, expires_at) VALUES (:name, :holder, :expires) "
            + "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at "
            + "WHERE leases.holder = excluded.holder OR leases.expires_at < :now")
        .bind("name", name).bind("holder", holder).bind("expires", now + ttl.toMillis()).bind("now", now)
        .execute()) == 1;
  }

  /** Gives the lease up at once (orderly shutdown) so another replica need not wait for it to run out. */
  public void release(String name, String holder) {
    db.inTransaction(tx -> tx.handle().createUpdate("DELETE FROM leases WHERE name = ? AND holder = ?")
        .bind(0, name).bind(1, holder).execute());
  }
}
