package io.portcullis.events.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.events.Event;
import io.portcullis.events.EventQuery;
import io.portcullis.events.EventStore;
import io.portcullis.events.EventType;
import io.portcullis.metadata.Tx;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.Tag;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatement;

/** The event log in the {@code events} table, its outbox in {@code event_deliveries}. */
public final class JdbcEventStore implements EventStore {
  private static final String COLUMNS = "e.id, e.type, e.at, e.actor, e.client, e.request_id, e.repository, e.digest, "
      + "e.tag, e.media_type, e.target, e.detail";
  private static final String INSERT = "INSERT INTO events(at, type, actor, client, request_id, repository, "
      + "digest, tag, media_type, target, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final TypeReference<Map<String, String>> DETAIL = new TypeReference<>() {};

  private final ObjectMapper json;

  public JdbcEventStore(ObjectMapper json) {
    this.json = json;
  }

  @Override
  public long append(Tx tx, Event event, List<String> subscribers) {
    Handle h = tx.handle();
    long id = bind(h.createQuery(INSERT + " RETURNING id"), event).mapTo(Long.class).one();
    for (String subscriber : subscribers) {
      h.createUpdate("INSERT INTO event_deliveries(subscriber, event_id) VALUES (?, ?)")
          .bind(0, subscriber).bind(1, id).execute();
    }
    return id;
  }

  @Override
  public void appendUndelivered(Tx tx, List<Event> events) {
    PreparedBatch batch = tx.handle().prepareBatch(INSERT);
    for (Event event : events) {
      bind(batch, event).add();
    }
    batch.execute();
  }

  private <S extends SqlStatement<S>> S bind(S statement, Event event) {
    return statement.bind(0, event.at().toEpochMilli()).bind(1, event.type().wireName())
        .bind(2, event.caller().actor()).bind(3, event.caller().client()).bind(4, event.caller().requestId())
        .bind(5, event.repository() == null ? null : event.repository().value())
        .bind(6, event.digest() == null ? null : event.digest().toString())
        .bind(7, event.tag() == null ? null : event.tag().value()).bind(8, event.mediaType()).bind(9, event.target())
        .bind(10, event.detail().isEmpty() ? null : writeDetail(event.detail()));
  }

  @Override
  public Map<Long, Event> find(Tx tx, Collection<Long> ids) {
    Map<Long, Event> found = new HashMap<>();
    tx.handle().createQuery("SELECT " + COLUMNS + " FROM events e WHERE e.id IN (<ids>)")
        .bindList("ids", List.copyOf(ids)).map((rs, ctx) -> event(rs)).forEach(e -> found.put(e.id(), e));
    return found;
  }

  @Override
  public List<Event> search(Tx tx, EventQuery query) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM events e WHERE e.id < :before");
    if (query.repository() != null) {
      sql.append(" AND e.repository = :repository");
    }
    if (query.actor() != null) {
      sql.append(" AND e.actor = :actor");
    }
    if (query.type() != null) {
      sql.append(" AND e.type = :type");
    }
    if (query.since() != null) {
      sql.append(" AND e.at >= :since");
    }
    if (query.until() != null) {
      sql.append(" AND e.at < :until");
    }
    sql.append(" ORDER BY e.id DESC LIMIT :limit");
    var q = tx.handle().createQuery(sql.toString())
        .bind("before", query.before() <= 0 ? Long.MAX_VALUE : query.before()).bind("limit", query.limit());
    if (query.repository() != null) {
      q.bind("repository", query.repository().value());
    }
    if (query.actor() != null) {
      q.bind("actor", query.actor());
    }
    if (query.type() != null) {
      q.bind("type", query.type().wireName());
    }
    if (query.since() != null) {
      q.bind("since", query.since().toEpochMilli());
    }
    if (query.until() != null) {
      q.bind("until", query.until().toEpochMilli());
    }
    return q.map((rs, ctx) -> event(rs)).list();
  }

  @Override
  public List<Delivery> pending(Tx tx, String subscriber, int limit) {
    return tx.handle().createQuery("SELECT " + COLUMNS + ", d.attempts FROM event_deliveries d "
            + "JOIN events e ON e.id = d.event_id WHERE d.subscriber = ? ORDER BY d.event_id LIMIT ?")
        .bind(0, subscriber).bind(1, limit)
        .map((rs, ctx) -> new Delivery(event(rs), rs.getInt(13))).list();
  }

  @Override
  public void countFailedAttempt(Tx tx, String subscriber, List<Long> eventIds) {
    tx.handle().createUpdate("UPDATE event_deliveries SET attempts = attempts + 1 WHERE subscriber = :s "
        + "AND event_id IN (<ids>)").bind("s", subscriber).bindList("ids", eventIds).execute();
  }

  @Override
  public void removeDeliveries(Tx tx, String subscriber, List<Long> eventIds) {
    tx.handle().createUpdate("DELETE FROM event_deliveries WHERE subscriber = :s AND event_id IN (<ids>)")
        .bind("s", subscriber).bindList("ids", eventIds).execute();
  }

  @Override
  public Map<String, Backlog> backlogs(Tx tx) {
    record Row(String subscriber, Backlog backlog) {}
    return tx.handle().createQuery("SELECT d.subscriber, COUNT(*), MIN(e.at) FROM event_deliveries d "
            + "JOIN events e ON e.id = d.event_id GROUP BY d.subscriber")
        .map((rs, ctx) -> new Row(rs.getString(1), new Backlog(rs.getLong(2), rs.getLong(3))))
        .list().stream().collect(Collectors.toMap(Row::subscriber, Row::backlog));
  }

  private String writeDetail(Map<String, String> detail) {
    try {
      return json.writeValueAsString(new TreeMap<>(detail));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Event event(ResultSet rs) throws SQLException {
    String repository = rs.getString(7);
    String digest = rs.getString(8);
    String tag = rs.getString(9);
    String detail = rs.getString(12);
    Map<String, String> facts;
    try {
      facts = detail == null ? Map.of() : json.readValue(detail, DETAIL);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    String typeName = rs.getString(2);
    EventType type = EventType.fromWireName(typeName)
        .orElseThrow(() -> new IllegalStateException("unknown event type in the log: " + typeName));
    return new Event(rs.getLong(1), type, Instant.ofEpochMilli(rs.getLong(3)),
        new Caller(rs.getString(4), rs.getString(5), rs.getString(6)),
        repository == null ? null : RepositoryName.of(repository), digest == null ? null : Digest.parse(digest),
        tag == null ? null : new Tag(tag), rs.getString(10), rs.getString(11), facts);
  }
}
