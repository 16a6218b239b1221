package io.portcullis.webhooks.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.events.EventType;
import io.portcullis.metadata.Database;
import io.portcullis.metadata.Tx;
import io.portcullis.webhooks.Delivery;
import io.portcullis.webhooks.PayloadFormat;
import io.portcullis.webhooks.Webhook;
import io.portcullis.webhooks.WebhookEvents;
import io.portcullis.shared.Scope;
import io.portcullis.webhooks.WebhookStore;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/** {@link WebhookStore} in the metadata database (tables of V9__webhooks.sql). */
public final class JdbcWebhookStore implements WebhookStore {
  private static final String WEBHOOK = "w.id, w.scope, w.scope_name, w.url, w.event_types, w.format, w.description, "
      + "w.enabled, w.disabled_reason, w.disabled_at, w.consecutive_failures, w.failing_since, w.last_success_at, "
      + "w.created_by, w.created_at, w.updated_at, "
      + "(SELECT MAX(s.expires_at) FROM webhook_secrets s WHERE s.webhook_id = w.id) AS previous_expires_at";
  private static final String DELIVERY = "id, webhook_id, event_id, event_type, state, attempts, created_at, "
      + "next_attempt_at, last_attempt_at, finished_at, redelivery_of, request_headers, request_body, response_status, "
      + "response_body, duration_ms, error";
  private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {};

  private final ObjectMapper json;

  public JdbcWebhookStore(ObjectMapper json) {
    this.json = json;
  }

  @Override
  public int count(Tx tx, Scope scope) {
    return tx.handle().createQuery("SELECT COUNT(*) FROM webhooks WHERE scope = ? AND scope_name = ?")
        .bind(0, scope.kind().wireName()).bind(1, scope.name()).mapTo(Integer.class).one();
  }

  @Override
  public long insert(Tx tx, NewWebhook webhook, long now) {
    Settings s = webhook.settings();
    boolean enabled = webhook.disabledReason() == null;
    return tx.handle().createQuery("INSERT INTO webhooks(scope, scope_name, url, event_types, format, description, "
            + "enabled, disabled_reason, disabled_at, created_by, created_at, updated_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")
        .bind(0, webhook.scope().kind().wireName()).bind(1, webhook.scope().name()).bind(2, s.url())
        .bind(3, types(s.events())).bind(4, s.format().wireName()).bind(5, s.description()).bind(6, enabled)
        .bind(7, webhook.disabledReason()).bind(8, enabled ? null : now).bind(9, webhook.createdBy()).bind(10, now)
        .bind(11, now)
        .mapTo(Long.class).one();
  }

  @Override
  public Optional<Webhook> find(Tx tx, long id) {
    return tx.handle().createQuery("SELECT " + WEBHOOK + " FROM webhooks w WHERE w.id = ?").bind(0, id)
        .map((rs, ctx) -> webhook(rs)).findOne();
  }

  @Override
  public List<Webhook> list(Tx tx, Scope scope) {
    return tx.handle().createQuery("SELECT " + WEBHOOK + " FROM webhooks w WHERE w.scope = ? AND w.scope_name = ? "
            + "ORDER BY w.id")
        .bind(0, scope.kind().wireName()).bind(1, scope.name()).map((rs, ctx) -> webhook(rs)).list();
  }

  @Override
  public void update(Tx tx, long id, Settings s, long now) {
    tx.handle().createUpdate("UPDATE webhooks SET url = ?, event_types = ?, format = ?, description = ?, updated_at = ? "
            + "WHERE id = ?")
        .bind(0, s.url()).bind(1, types(s.events())).bind(2, s.format().wireName()).bind(3, s.description())
        .bind(4, now).bind(5, id).execute();
  }

  @Override
  public boolean setEnabled(Tx tx, long id, boolean enabled, String reason, long now) {
    if (enabled) {
      return tx.handle().createUpdate("UPDATE webhooks SET enabled = TRUE, disabled_reason = NULL, disabled_at = NULL, "
              + "consecutive_failures = 0, failing_since = NULL, updated_at = ? WHERE id = ? AND NOT enabled")
          .bind(0, now).bind(1, id).execute() == 1;
    }
    return tx.handle().createUpdate("UPDATE webhooks SET enabled = FALSE, disabled_reason = ?, disabled_at = ?, "
            + "updated_at = ? WHERE id = ? AND enabled")
        .bind(0, reason).bind(1, now).bind(2, now).bind(3, id).execute() == 1;
  }

  @Override
  public boolean delete(Tx tx, long id) {
    return tx.handle().createUpdate("DELETE FROM webhooks WHERE id = ?").bind(0, id).execute() == 1;
  }

  @Override
  public int deleteAll(Tx tx, Scope scope) {
    return tx.handle().createUpdate("DELETE FROM webhooks WHERE scope = ? AND scope_name = ?")
        .bind(0, scope.kind().wireName()).bind(1, scope.name()).execute();
  }

  @Override
  public void replaceSecret(Tx tx, long webhookId, byte[] sealed, long now, long previousExpiresAt) {
    Handle h = tx.handle();
    h.createUpdate("UPDATE webhook_secrets SET expires_at = ? WHERE webhook_id = ? AND expires_at IS NULL")
        .bind(0, previousExpiresAt).bind(1, webhookId).execute();
    h.createUpdate("DELETE FROM webhook_secrets WHERE webhook_id = ? AND expires_at <= ?")
        .bind(0, webhookId).bind(1, now).execute();
    h.createUpdate("INSERT INTO webhook_secrets(webhook_id, sealed, created_at) VALUES (?, ?, ?)")
        .bind(0, webhookId).bind(1, sealed).bind(2, now).execute();
  }

  @Override
  public Map<Long, List<byte[]>> secrets(Tx tx, Collection<Long> webhookIds, long now) {
    Map<Long, List<byte[]>> secrets = new HashMap<>();
    if (webhookIds.isEmpty()) {
      return secrets;
    }
    tx.handle().createQuery("SELECT webhook_id, sealed FROM webhook_secrets WHERE webhook_id IN (<ids>) "
            + "AND (expires_at IS NULL OR expires_at > :now) ORDER BY webhook_id, id DESC")
        .bindList("ids", List.copyOf(webhookIds)).bind("now", now)
        .map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getBytes(2)))
        .forEach(e -> secrets.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    return secrets;
  }

  @Override
  public List<Webhook> covering(Tx tx, Set<String> repositories, Set<String> namespaces) {
    StringBuilder sql = new StringBuilder("SELECT " + WEBHOOK + " FROM webhooks w WHERE w.enabled AND (w.scope = 'global'");
    if (!namespaces.isEmpty()) {
      sql.append(" OR (w.scope = 'namespace' AND w.scope_name IN (<namespaces>))");
    }
    if (!repositories.isEmpty()) {
      sql.append(" OR (w.scope = 'repository' AND w.scope_name IN (<repositories>))");
    }
    var query = tx.handle().createQuery(sql.append(") ORDER BY w.id").toString());
    if (!namespaces.isEmpty()) {
      query.bindList("namespaces", List.copyOf(namespaces));
    }
    if (!repositories.isEmpty()) {
      query.bindList("repositories", List.copyOf(repositories));
    }
    return query.map((rs, ctx) -> webhook(rs)).list();
  }

  @Override
  public boolean anyWantsReads(Tx tx) {
    List<String> reads = WebhookEvents.DELIVERABLE.stream().filter(EventType::isRead).map(EventType::wireName).toList();
    StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM webhooks WHERE enabled AND (event_types IS NULL");
    for (int i = 0; i < reads.size(); i++) {
      // Wire names are stored comma-joined; the commas around them keep tag.pulled from matching x.tag.pulled.
      sql.append(" OR ',' || event_types || ',' LIKE :r").append(i);
    }
    var query = tx.handle().createQuery(sql.append(")").toString());
    for (int i = 0; i < reads.size(); i++) {
      query.bind("r" + i, "%," + reads.get(i) + ",%");
    }
    return query.mapTo(Long.class).one() > 0;
  }

  @Override
  public void insertDeliveries(Tx tx, List<NewDelivery> deliveries, long now) {
    if (deliveries.isEmpty()) {
      return;
    }
    var batch = tx.handle().prepareBatch("INSERT INTO webhook_deliveries(webhook_id, event_id, event_type, lane, state, "
        + "attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?) "
        + "ON CONFLICT (webhook_id, event_id) WHERE redelivery_of IS NULL DO NOTHING");
    for (NewDelivery d : deliveries) {
      batch.bind(0, d.webhookId()).bind(1, d.eventId()).bind(2, d.type()).bind(3, d.lane()).bind(4, now).bind(5, now)
          .add();
    }
    batch.execute();
  }

  @Override
  public long insertDelivery(Tx tx, NewDelivery d, long now) {
    return tx.handle().createQuery("INSERT INTO webhook_deliveries(webhook_id, event_id, event_type, lane, "
            + "redelivery_of, state, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?) "
            + "RETURNING id")
        .bind(0, d.webhookId()).bind(1, d.eventId()).bind(2, d.type()).bind(3, d.lane()).bind(4, d.redeliveryOf())
        .bind(5, now).bind(6, now)
        .mapTo(Long.class).one();
  }

  @Override
  public Optional<Delivery> findDelivery(Tx tx, long webhookId, long deliveryId) {
    return tx.handle().createQuery("SELECT " + DELIVERY + " FROM webhook_deliveries WHERE webhook_id = ? AND id = ?")
        .bind(0, webhookId).bind(1, deliveryId).map((rs, ctx) -> delivery(rs)).findOne();
  }

  @Override
  public List<Delivery> deliveries(Tx tx, long webhookId, long before, int limit) {
    return tx.handle().createQuery("SELECT " + DELIVERY + " FROM webhook_deliveries WHERE webhook_id = ? AND id < ? "
            + "ORDER BY id DESC LIMIT ?")
        .bind(0, webhookId).bind(1, before <= 0 ? Long.MAX_VALUE : before).bind(2, limit)
        .map((rs, ctx) -> delivery(rs)).list();
  }

  @Override
  public List<Claim> claim(Tx tx, String owner, long now, long leaseUntil, int limit) {
    // Only this table's rows are locked (OF d): the webhooks rows are updated by outcomes meanwhile.
    String lock = tx.dialect() == Database.Dialect.POSTGRESQL ? " FOR UPDATE OF d SKIP LOCKED" : "";
    List<Claim> claims = tx.handle().createQuery("SELECT d.id, d.webhook_id, w.url, w.format, d.event_id, "
            + "d.event_type, d.attempts, d.created_at, d.first_attempt_at, d.redelivery_of FROM webhook_deliveries d "
            + "JOIN webhooks w ON w.id = d.webhook_id WHERE d.state = 'pending' AND d.next_attempt_at <= :now "
            + "AND (d.locked_until IS NULL OR d.locked_until < :now) AND (w.enabled OR d.event_type = :ping) "
            + "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.webhook_id = d.webhook_id "
            + "AND e.lane = d.lane AND e.state = 'pending' AND e.id < d.id) "
            + "ORDER BY d.next_attempt_at, d.id LIMIT :limit" + lock)
        .bind("now", now).bind("ping", WebhookEvents.PING).bind("limit", limit)
        .map((rs, ctx) -> new Claim(rs.getLong("id"), rs.getLong("webhook_id"), rs.getString("url"),
            PayloadFormat.fromWireName(rs.getString("format")), nullableLong(rs, "event_id"), rs.getString("event_type"),
            rs.getInt("attempts"), rs.getLong("created_at"), nullableLong(rs, "first_attempt_at"),
            nullableLong(rs, "redelivery_of")))
        .list();
    if (!claims.isEmpty()) {
      tx.handle().createUpdate("UPDATE webhook_deliveries SET locked_by = :owner, locked_until = :until "
              + "WHERE id IN (<ids>)")
          .bind("owner", owner).bind("until", leaseUntil).bindList("ids", claims.stream().map(Claim::deliveryId).toList())
          .execute();
    }
    return claims;
  }

  @Override
  public boolean finishAttempt(Tx tx, String owner, Attempt a) {
    return tx.handle().createUpdate("UPDATE webhook_deliveries SET state = ?, attempts = ?, first_attempt_at = ?, "
            + "last_attempt_at = ?, next_attempt_at = ?, finished_at = ?, request_headers = ?, request_body = ?, "
            + "response_status = ?, response_body = ?, duration_ms = ?, error = ?, locked_by = NULL, locked_until = NULL "
            + "WHERE id = ? AND locked_by = ?")
        .bind(0, a.state().wireName()).bind(1, a.attempts()).bind(2, a.firstAttemptAt()).bind(3, a.attemptedAt())
        .bind(4, a.nextAttemptAt()).bind(5, a.finishedAt()).bind(6, write(a.requestHeaders()))
        .bind(7, a.requestBody()).bind(8, a.responseStatus()).bind(9, a.responseBody()).bind(10, a.durationMillis())
        .bind(11, a.error()).bind(12, a.deliveryId()).bind(13, owner)
        .execute() == 1;
  }

  @Override
  public void recordSuccess(Tx tx, long webhookId, long at) {
    // Outcomes are recorded in batches, not always in the order of their attempts: a success forgets only
    // failures older than itself.
    tx.handle().createUpdate("UPDATE webhooks SET consecutive_failures = CASE WHEN failing_since > :at "
        + "THEN consecutive_failures ELSE 0 END, failing_since = CASE WHEN failing_since > :at THEN failing_since END, "
        + "last_success_at = CASE WHEN last_success_at > :at THEN last_success_at ELSE :at END WHERE id = :id")
        .bind("at", at).bind("id", webhookId).execute();
  }

  @Override
  public void recordFailure(Tx tx, long webhookId, long at) {
    tx.handle().createUpdate("UPDATE webhooks SET consecutive_failures = consecutive_failures + 1, "
            + "failing_since = CASE WHEN failing_since IS NULL OR failing_since > :at THEN :at ELSE failing_since END "
            + "WHERE id = :id")
        .bind("at", at).bind("id", webhookId).execute();
  }

  @Override
  public Backlog backlog(Tx tx, long now) {
    return tx.handle().createQuery("SELECT COUNT(*) AS pending, MIN(CASE WHEN next_attempt_at <= :now "
            + "THEN next_attempt_at END) AS oldest FROM webhook_deliveries WHERE state = 'pending'")
        .bind("now", now)
        .map((rs, ctx) -> {
          Long oldest = nullableLong(rs, "oldest");
          return new Backlog(rs.getLong("pending"), oldest == null ? 0 : now - oldest);
        })
        .one();
  }

  @Override
  public int purge(Tx tx, long finishedBefore, long now) {
    tx.handle().createUpdate("DELETE FROM webhook_secrets WHERE expires_at <= ?").bind(0, now).execute();
    return tx.handle().createUpdate("DELETE FROM webhook_deliveries WHERE state <> 'pending' AND finished_at < ?")
        .bind(0, finishedBefore).execute();
  }

  private static String types(Set<EventType> types) {
    return types == null ? null : types.stream().map(EventType::wireName).sorted().collect(Collectors.joining(","));
  }

  private Webhook webhook(ResultSet rs) throws SQLException {
    String kind = rs.getString("scope");
    String types = rs.getString("event_types");
    Set<EventType> events = null;
    if (types != null) {
      events = EnumSet.noneOf(EventType.class);
      // A type no longer in the code just stops matching, rather than making the webhook unreadable.
      for (String type : types.split(",")) {
        EventType.fromWireName(type).ifPresent(events::add);
      }
    }
    return new Webhook(rs.getLong("id"), new Scope(Scope.Kind.fromWireName(kind), rs.getString("scope_name")),
        rs.getString("url"), events, PayloadFormat.fromWireName(rs.getString("format")), rs.getString("description"),
        rs.getBoolean("enabled"), rs.getString("disabled_reason"), instant(rs, "disabled_at"),
        rs.getInt("consecutive_failures"), instant(rs, "failing_since"), instant(rs, "last_success_at"),
        rs.getString("created_by"), instant(rs, "created_at"), instant(rs, "updated_at"),
        instant(rs, "previous_expires_at"));
  }

  private Delivery delivery(ResultSet rs) throws SQLException {
    String headers = rs.getString("request_headers");
    Map<String, String> requestHeaders;
    try {
      requestHeaders = headers == null ? Map.of() : json.readValue(headers, HEADERS);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    int status = rs.getInt("response_status");
    Integer responseStatus = rs.wasNull() ? null : status;
    return new Delivery(rs.getLong("id"), rs.getLong("webhook_id"), nullableLong(rs, "event_id"),
        rs.getString("event_type"), Delivery.State.fromWireName(rs.getString("state")), rs.getInt("attempts"),
        instant(rs, "created_at"), instant(rs, "next_attempt_at"), instant(rs, "last_attempt_at"),
        instant(rs, "finished_at"), nullableLong(rs, "redelivery_of"), requestHeaders,
        rs.getString("request_body"), responseStatus, rs.getString("response_body"), nullableLong(rs, "duration_ms"),
        rs.getString("error"));
  }

  private String write(Map<String, String> headers) {
    try {
      return json.writeValueAsString(new TreeMap<>(headers));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Long millis = nullableLong(rs, column);
    return millis == null ? null : Instant.ofEpochMilli(millis);
  }

  private static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }

}
