package io.portcullis.scan.jdbc;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.metadata.Tx;
import io.portcullis.scan.AdvisoryStore;
import io.portcullis.scan.VulnerabilityDatabase;
import io.portcullis.scan.vuln.Advisory;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.jdbi.v3.core.Handle;

/**
 * The vulnerability database in {@code vulndb_advisories} (one JSON body per advisory),
 * {@code vulndb_sources} and the single row of {@code vulndb_state}, whose version serialises imports.
 */
public final class JdbcAdvisoryStore implements AdvisoryStore {
  private static final int BATCH = 1000;

  private final ObjectMapper json;

  public JdbcAdvisoryStore(ObjectMapper json) {
    // Stored as the records' components only: convenience accessors (isWithdrawn…) are not data.
    this.json = json.copy()
        .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
        .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
  }

  @Override
  public long version(Tx tx) {
    return tx.handle().createQuery("SELECT version FROM vulndb_state WHERE id = 1").mapTo(Long.class).one();
  }

  @Override
  public void forEach(Tx tx, Consumer<Advisory> each) {
    tx.handle().createQuery("SELECT body FROM vulndb_advisories ORDER BY source, id").mapTo(String.class)
        .useStream(rows -> rows.forEach(body -> each.accept(parse(body))));
  }

  @Override
  public long replace(Tx tx, String source, String format, Collection<Advisory> advisories, long now,
      LongConsumer progress) {
    Handle h = tx.handle();
    // The update takes the state row's lock: concurrent imports (on any replica) go one after another.
    h.createUpdate("UPDATE vulndb_state SET version = version + 1 WHERE id = 1").execute();
    long version = version(tx);
    h.createUpdate("DELETE FROM vulndb_advisories WHERE source = ?").bind(0, source).execute();
    h.createUpdate("INSERT INTO vulndb_sources(source, format, advisories, imported_at, version) VALUES (?, ?, ?, ?, ?) "
            + "ON CONFLICT (source) DO UPDATE SET format = excluded.format, advisories = excluded.advisories, "
            + "imported_at = excluded.imported_at, version = excluded.version")
        .bind(0, source).bind(1, format).bind(2, advisories.size()).bind(3, now).bind(4, version).execute();
    var batch = h.prepareBatch("INSERT INTO vulndb_advisories(source, id, body) VALUES (?, ?, ?)");
    int count = 0;
    for (Advisory advisory : advisories) {
      batch.bind(0, source).bind(1, advisory.id()).bind(2, write(advisory)).add();
      if (++count % BATCH == 0) {
        batch.execute();
        progress.accept(count);
      }
    }
    if (count % BATCH != 0) {
      batch.execute();
    }
    progress.accept(count);
    return version;
  }

  @Override
  public List<VulnerabilityDatabase.Source> sources(Tx tx) {
    return tx.handle().createQuery("SELECT source, format, advisories, imported_at, version FROM vulndb_sources "
            + "ORDER BY source")
        .map((rs, ctx) -> new VulnerabilityDatabase.Source(rs.getString(1), rs.getString(2), rs.getInt(3),
            rs.getLong(4), rs.getLong(5)))
        .list();
  }

  private String write(Advisory advisory) {
    try {
      return json.writeValueAsString(advisory);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("advisory " + advisory.id() + " cannot be serialised", e);
    }
  }

  private Advisory parse(String body) {
    try {
      return json.readValue(body, Advisory.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored advisory is unreadable", e);
    }
  }
}
