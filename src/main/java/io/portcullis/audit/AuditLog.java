package io.portcullis.audit;

import io.portcullis.events.EventBus;
import io.portcullis.events.RegistryEvent;
import io.portcullis.metadata.Database;
import java.util.List;

/**
 * Who did what, persisted: the first subscriber of the event bus. Entries arrive in batches, so a
 * burst of pulls costs one transaction per batch rather than one per request.
 */
public final class AuditLog {
  private final Database db;

  public AuditLog(Database db) {
    this.db = db;
  }

  public void subscribeTo(EventBus bus) {
    // A quarter-second linger turns a burst of pulls into one transaction instead of hundreds.
    bus.subscribe("audit", this::record, 250);
  }

  /** One audit entry. */
  public record Entry(long id, long at, String actor, String action, String repository, String digest, String tag,
      String client, String requestId) {}

  void record(List<RegistryEvent> events) {
    db.write(h -> {
      var batch = h.prepareBatch("INSERT INTO audit_log(at, actor, action, repository, digest, tag, client, detail) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
      for (RegistryEvent e : events) {
        batch.bind(0, e.at().toEpochMilli()).bind(1, e.actor()).bind(2, e.type().wireName()).bind(3, e.repository())
            .bind(4, e.digest()).bind(5, e.tag()).bind(6, e.client()).bind(7, e.requestId()).add();
      }
      return batch.execute();
    });
  }

  /**
   * Newest first: entries with id below {@code before} (0 for the newest), optionally only of one
   * repository or one actor.
   */
  public List<Entry> list(long before, int limit, String repository, String actor) {
    StringBuilder sql = new StringBuilder("SELECT id, at, actor, action, repository, digest, tag, client, detail "
        + "FROM audit_log WHERE id < :before");
    if (repository != null) {
      sql.append(" AND repository = :repository");
    }
    if (actor != null) {
      sql.append(" AND actor = :actor");
    }
    sql.append(" ORDER BY id DESC LIMIT :limit");
    return db.read(h -> {
      var query = h.createQuery(sql.toString()).bind("before", before <= 0 ? Long.MAX_VALUE : before).bind("limit", limit);
      if (repository != null) {
        query.bind("repository", repository);
      }
      if (actor != null) {
        query.bind("actor", actor);
      }
      return query.map((rs, ctx) -> new Entry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
          rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9))).list();
    });
  }
}
