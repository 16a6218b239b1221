package io.portcullis.registry;

import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventType;
import io.portcullis.metadata.Database;
import io.portcullis.shared.Caller;
import io.portcullis.shared.RepositoryName;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;

/** Repository rows: created on first content, listed by the catalog. */
final class Repositories {
  private Repositories() {}

  /** Creates the repository on its first push or mount. */
  static void ensure(Handle handle, EventLog events, RepositoryName repository, Instant at, Caller caller) {
    int created = handle.createUpdate("INSERT INTO repositories(name, created_at) VALUES (?, ?) "
            + "ON CONFLICT (name) DO NOTHING")
        .bind(0, repository.value()).bind(1, at.toEpochMilli()).execute();
    if (created == 1) {
      events.append(handle, Event.of(EventType.REPOSITORY_CREATED, at, caller, repository, null, null, null));
    }
  }

  static boolean exists(Handle handle, String repository) {
    return handle.createQuery("SELECT 1 FROM repositories WHERE name = ?").bind(0, repository)
        .mapTo(Integer.class).findOne().isPresent();
  }

  /**
   * One page of names in lexical order after {@code last}, keeping only {@code visible} ones, with one
   * extra element when more follow.
   */
  static List<String> page(Database db, String sql, Object scope, String last, int n, Predicate<String> visible) {
    List<String> result = new java.util.ArrayList<>(Math.min(n + 1, 1024));
    String cursor = last == null ? "" : last;
    int batch = Math.max(Math.min(n + 1, 1000), 100);
    while (result.size() <= n) {
      String from = cursor;
      List<String> rows = db.read(h -> {
        var query = h.createQuery(sql).bind("after", from).bind("limit", batch);
        if (scope != null) {
          query.bind("scope", scope);
        }
        return query.mapTo(String.class).list();
      });
      for (String row : rows) {
        if (visible.test(row)) {
          result.add(row);
          if (result.size() > n) {
            break;
          }
        }
      }
      if (rows.size() < batch) {
        break;
      }
      cursor = rows.getLast();
    }
    return result;
  }
}
