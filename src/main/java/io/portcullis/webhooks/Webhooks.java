package io.portcullis.webhooks;

import io.portcullis.shared.Scope;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.auth.Principal;
import io.portcullis.auth.secret.SecretBox;
import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventType;
import io.portcullis.events.Subscriber;
import io.portcullis.metadata.Database;
import io.portcullis.metadata.Tx;
import io.portcullis.shared.Caller;
import io.portcullis.shared.NetworkPolicy;
import io.portcullis.shared.RepositoryName;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhooks: subscriptions of a scope (the registry, a namespace, a repository) to event types, signed
 * per the Standard Webhooks specification, delivered at least once, in order per webhook and repository,
 * with retries until a horizon, a delivery log, redelivery, test pings, and automatic disabling of
 * webhooks whose receiver keeps failing (docs/webhooks.md).
 *
 * <p>Management methods take the acting principal and enforce who may manage which scope; failures are
 * {@link WebhookException}s. Events reach webhooks through {@link #subscriber()}, which the event log
 * relays; {@link #start} starts sending. Thread-safe.
 */
public final class Webhooks implements AutoCloseable {
  /** Most webhooks one scope may have. */
  public static final int MAX_PER_SCOPE = 1000;
  public static final int MAX_DESCRIPTION_LENGTH = 1000;
  /** Longest a rotation may let the previous secret keep signing. */
  public static final Duration MAX_SECRET_OVERLAP = Duration.ofDays(7);
  /** Deliveries of pings share one lane per webhook, which no repository name can collide with. */
  static final String PING_LANE = "#ping";
  /** How stale this replica's view of whether any webhook wants pulls may get (others' changes). */
  static final Duration READS_WANTED_TTL = Duration.ofSeconds(5);
  private static final Logger log = LoggerFactory.getLogger(Webhooks.class);

  /** A webhook with its secret, which is shown this once. */
  public record Issued(Webhook webhook, String secret) {}

  /**
   * A change to a webhook; null fields stay as they are.
   *
   * @param eventsGiven whether {@code events} is part of the change (null events: every type)
   * @param descriptionGiven whether {@code description} is (null: none)
   */
  public record Change(String url, boolean eventsGiven, Collection<String> events, String format,
      boolean descriptionGiven, String description, Boolean enabled) {}

  /** Told about every delivery attempt, for metrics. */
  @FunctionalInterface
  public interface Listener {
    /** @param outcome {@code succeeded}, {@code failed} (to be retried) or {@code gave_up} */
    void attempted(String outcome, Duration took);
  }

  private final Database db;
  private final WebhookStore store;
  private final EventLog events;
  private final SecretBox box;
  private final WebhookPermissions permissions;
  private final NetworkPolicy policy;
  private final WebhookSettings settings;
  private final Clock clock;
  private final Supplier<Caller> origin;
  private final DeliveryEngine engine;
  private final FanOut fanOut;
  private volatile boolean readsWanted;
  private volatile long readsCheckedAt;
  private final AtomicBoolean readsRefreshing = new AtomicBoolean();

  /**
   * @param box         seals the signing secrets at rest (the master key's)
   * @param policy      which addresses deliveries may reach
   * @param replica     this replica's name in delivery leases
   * @param origin      where the current request came from (client address, request id), for the audit log
   */
  public Webhooks(Database db, WebhookStore store, EventLog events, SecretBox box, WebhookPermissions permissions,
      NetworkPolicy policy, WebhookSettings settings, Clock clock, ObjectMapper json, String replica,
      Supplier<Caller> origin, Listener listener) {
    this.db = db;
    this.store = store;
    this.events = events;
    this.box = box;
    this.permissions = permissions;
    this.policy = policy;
    this.settings = settings;
    this.clock = clock;
    this.origin = origin;
    this.engine = new DeliveryEngine(db, store, events, box, policy,
        new WebhookClient((SSLSocketFactory) SSLSocketFactory.getDefault()), new Payloads(json, settings.source()),
        clock, settings, Backoff.DEFAULT, replica, listener);
    this.fanOut = new FanOut(db, store, clock, engine::wake, this::readsWanted);
  }

  /** The event log subscriber that queues deliveries; subscribe it before the log starts. */
  public Subscriber subscriber() {
    return fanOut;
  }

  /** Starts sending; call before the event log starts, so that pulls are queued from the first one if wanted. */
  public void start() {
    refreshReadsWanted();
    engine.start();
  }

  /**
   * Whether any enabled webhook subscribes to pulls; asked inside every append, so it answers from
   * memory. Changes made here apply at once, other replicas' within {@link #READS_WANTED_TTL}: a stale
   * answer starts a refresh in the background and is used meanwhile.
   */
  private boolean readsWanted() {
    if (System.nanoTime() - readsCheckedAt > READS_WANTED_TTL.toNanos() && readsRefreshing.compareAndSet(false, true)) {
      Thread.ofVirtual().name("webhooks-reads-wanted").start(() -> {
        try {
          refreshReadsWanted();
        } catch (RuntimeException e) {
          log.warn("cannot tell whether webhooks want pulls; keeping the last answer", e);
        } finally {
          readsRefreshing.set(false);
        }
      });
    }
    return readsWanted;
  }

  private void refreshReadsWanted() {
    readsWanted = db.readOnly(store::anyWantsReads);
    readsCheckedAt = System.nanoTime();
  }

  /** Deliveries this replica is sending right now. */
  public int inFlight() {
    return engine.inFlight();
  }

  /** Pending deliveries of every replica, and how overdue the oldest is. */
  public WebhookStore.Backlog backlog() {
    long now = clock.millis();
    return db.readOnly(tx -> store.backlog(tx, now));
  }

  /** Deletes deliveries finished longer than the retention ago, and expired secrets; returns the deliveries deleted. */
  public int purge() {
    long now = clock.millis();
    return db.inTransaction(tx -> store.purge(tx, now - settings.retention().toMillis(), now));
  }

  // ---- management

  /**
   * Creates a webhook with a new secret.
   *
   * @param events event type wire names; null for every deliverable type
   * @param format {@code portcullis} or {@code cloudevents}; null for portcullis
   */
  public Issued create(Principal who, Scope scope, String url, Collection<String> events, String format,
      String description, boolean enabled) {
    requireManager(who, scope);
    WebhookStore.Settings settings = new WebhookStore.Settings(checkUrl(url), types(events),
        format == null ? PayloadFormat.PORTCULLIS : PayloadFormat.fromWireName(format), text(description));
    String secret = Signatures.newSecret();
    long now = clock.millis();
    long id = db.inTransaction(tx -> {
      if (store.count(tx, scope) >= MAX_PER_SCOPE) {
        throw new WebhookException(WebhookException.Reason.CONFLICT,
            "the " + scope + " scope already has " + MAX_PER_SCOPE + " webhooks, the most it may have");
      }
      long created = store.insert(tx, new WebhookStore.NewWebhook(scope, settings,
          enabled ? null : "created disabled by " + actor(who), actor(who)), now);
      store.replaceSecret(tx, created, seal(created, secret), now, now);
      record(tx, who, EventType.WEBHOOK_CREATED, created, scope, Map.of());
      return created;
    });
    refreshReadsWanted();
    return new Issued(find(id), secret);
  }

  /** The scope's own webhooks, by id. */
  public List<Webhook> list(Principal who, Scope scope) {
    requireManager(who, scope);
    return db.readOnly(tx -> store.list(tx, scope));
  }

  public Webhook get(Principal who, long id) {
    return manageable(who, id);
  }

  /** Applies {@code change} atomically: one invalid field changes nothing. Re-enabling forgets past failures. */
  public Webhook update(Principal who, long id, Change change) {
    Webhook current = manageable(who, id);
    WebhookStore.Settings settings = new WebhookStore.Settings(
        change.url() == null ? current.url() : checkUrl(change.url()),
        change.eventsGiven() ? types(change.events()) : current.events(),
        change.format() == null ? current.format() : PayloadFormat.fromWireName(change.format()),
        change.descriptionGiven() ? text(change.description()) : current.description());
    long now = clock.millis();
    db.inTransaction(tx -> {
      store.update(tx, id, settings, now);
      List<String> changed = new ArrayList<>();
      if (!settings.url().equals(current.url())) {
        changed.add("url");
      }
      if (!java.util.Objects.equals(settings.events(), current.events())) {
        changed.add("events");
      }
      if (settings.format() != current.format()) {
        changed.add("format");
      }
      if (!java.util.Objects.equals(settings.description(), current.description())) {
        changed.add("description");
      }
      if (change.enabled() != null
          && store.setEnabled(tx, id, change.enabled(), change.enabled() ? null : "disabled by " + actor(who), now)) {
        changed.add(change.enabled() ? "enabled" : "disabled");
      }
      record(tx, who, EventType.WEBHOOK_UPDATED, id, current.scope(), Map.of("changed", String.join(",", changed)));
      return null;
    });
    refreshReadsWanted();
    return find(id);
  }

  /** Deletes the webhook, its secrets and its delivery log; pending deliveries are dropped. */
  public void delete(Principal who, long id) {
    Webhook webhook = manageable(who, id);
    db.inTransaction(tx -> {
      if (store.delete(tx, id)) {
        record(tx, who, EventType.WEBHOOK_DELETED, id, webhook.scope(), Map.of());
      }
      return null;
    });
    refreshReadsWanted();
  }

  /**
   * A deleted repository's webhooks go with it, in the deletion's transaction: a repository created
   * later under the same name belongs to whoever creates it, and must not report to the old one's
   * subscribers. Their pending deliveries, the {@code repository.deleted} event included, go too;
   * namespace and global webhooks still receive it.
   */
  public void forgetRepository(Tx tx, RepositoryName repository) {
    if (store.deleteAll(tx, Scope.repository(repository.value())) > 0) {
      tx.afterCommit(this::refreshReadsWanted);
    }
  }

  /**
   * Replaces the signing secret. Deliveries are signed with both secrets until the previous one expires,
   * so receivers can switch without losing any.
   *
   * @param overlap how long the previous secret keeps signing; null for {@code webhooks.secret-overlap}, zero
   *                to stop it at once (a leaked secret)
   */
  public Issued rotate(Principal who, long id, Duration overlap) {
    Webhook webhook = manageable(who, id);
    Duration keep = overlap == null ? settings.secretOverlap() : overlap;
    if (keep.isNegative() || keep.compareTo(MAX_SECRET_OVERLAP) > 0) {
      throw WebhookException.invalid("overlap must be between PT0S and " + MAX_SECRET_OVERLAP);
    }
    String secret = Signatures.newSecret();
    long now = clock.millis();
    db.inTransaction(tx -> {
      store.replaceSecret(tx, id, seal(id, secret), now, now + keep.toMillis());
      record(tx, who, EventType.WEBHOOK_SECRET_ROTATED, id, webhook.scope(),
          Map.of("previousSecretExpiresAt", Instant.ofEpochMilli(now + keep.toMillis()).toString()));
      return null;
    });
    return new Issued(find(id), secret);
  }

  /** Queues a test delivery ({@code webhook.ping}), sent once, also to a disabled webhook. */
  public Delivery ping(Principal who, long id) {
    manageable(who, id);
    return queue(new WebhookStore.NewDelivery(id, null, WebhookEvents.PING, PING_LANE, null));
  }

  /**
   * Queues a past delivery again, with the same message id (receivers that deduplicate will take it for
   * the same message) and the usual retries.
   *
   * @throws WebhookException (conflict) when the webhook is disabled or the delivery is still pending
   */
  public Delivery redeliver(Principal who, long id, long deliveryId) {
    Webhook webhook = manageable(who, id);
    Delivery past = delivery(who, id, deliveryId);
    if (past.state() == Delivery.State.PENDING) {
      throw new WebhookException(WebhookException.Reason.CONFLICT, "delivery " + deliveryId + " is still pending");
    }
    // A redelivery of a redelivery repeats the same first delivery, so the message id stays the same.
    long first = past.redeliveryOf() == null ? past.id() : past.redeliveryOf();
    if (past.eventId() == null) {
      return queue(new WebhookStore.NewDelivery(id, null, WebhookEvents.PING, PING_LANE, first));
    }
    if (!webhook.enabled()) {
      throw new WebhookException(WebhookException.Reason.CONFLICT, "webhook " + id + " is disabled; enable it first");
    }
    Event event = events.find(List.of(past.eventId())).get(past.eventId());
    if (event == null) {
      throw WebhookException.notFound("event " + past.eventId() + " of delivery " + deliveryId + " is no longer in the log");
    }
    String lane = event.repository() == null ? "" : event.repository().value();
    return queue(new WebhookStore.NewDelivery(id, past.eventId(), past.type(), lane, first));
  }

  /** The webhook's deliveries with ids below {@code before} (0: from the newest), newest first. */
  public List<Delivery> deliveries(Principal who, long id, long before, int limit) {
    manageable(who, id);
    return db.readOnly(tx -> store.deliveries(tx, id, before, limit));
  }

  public Delivery delivery(Principal who, long id, long deliveryId) {
    manageable(who, id);
    return db.readOnly(tx -> store.findDelivery(tx, id, deliveryId))
        .orElseThrow(() -> WebhookException.notFound("webhook " + id + " has no delivery " + deliveryId));
  }

  private Delivery queue(WebhookStore.NewDelivery delivery) {
    long now = clock.millis();
    long deliveryId = db.inTransaction(tx -> store.insertDelivery(tx, delivery, now));
    engine.wake();
    return db.readOnly(tx -> store.findDelivery(tx, delivery.webhookId(), deliveryId)).orElseThrow();
  }

  // ---- validation and access

  private String checkUrl(String url) {
    URI uri = WebhookUrl.parse(url);
    try {
      policy.resolve(uri);
    } catch (NetworkPolicy.Refused e) {
      // A name that does not resolve now may later; one that resolves to a refused address is refused.
      if (e.forbidden()) {
        throw WebhookException.invalid("url refused: " + e.getMessage());
      }
    }
    return url;
  }

  private static Set<EventType> types(Collection<String> names) {
    if (names == null) {
      return null;
    }
    if (names.isEmpty()) {
      throw WebhookException.invalid("events must name at least one event type, or be null for every type");
    }
    Set<EventType> types = EnumSet.noneOf(EventType.class);
    for (String name : names) {
      EventType type = EventType.fromWireName(name == null ? "" : name)
          .filter(WebhookEvents.DELIVERABLE::contains)
          .orElseThrow(() -> WebhookException.invalid("'" + name + "' is not an event type webhooks receive (they are "
              + WebhookEvents.DELIVERABLE.stream().map(EventType::wireName).sorted().toList() + ")"));
      types.add(type);
    }
    return types;
  }

  private static String text(String description) {
    if (description == null || description.isBlank()) {
      return null;
    }
    if (description.length() > MAX_DESCRIPTION_LENGTH) {
      throw WebhookException.invalid("description is longer than " + MAX_DESCRIPTION_LENGTH + " characters");
    }
    if (description.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
      throw WebhookException.invalid("description contains control characters");
    }
    return description.strip();
  }

  private void requireManager(Principal who, Scope scope) {
    if (who.kind() == Principal.Kind.ANONYMOUS) {
      throw new WebhookException(WebhookException.Reason.FORBIDDEN, "sign in to manage webhooks");
    }
    switch (permissions.of(who, scope)) {
      case MANAGE -> { }
      case SEE -> throw new WebhookException(WebhookException.Reason.FORBIDDEN,
          "only administrators of repository " + scope.name() + " may manage its webhooks");
      case NONE -> throw switch (scope.kind()) {
        case REPOSITORY -> WebhookException.notFound("repository " + scope.name() + " not found");
        case NAMESPACE -> new WebhookException(WebhookException.Reason.FORBIDDEN, "only the owner of namespace "
            + scope.name() + ", its organization's administrators and system administrators may manage its webhooks");
        case GLOBAL -> new WebhookException(WebhookException.Reason.FORBIDDEN,
            "only system administrators may manage global webhooks");
      };
    }
  }

  /** The webhook, if the principal may manage it; anyone else is told there is no such webhook. */
  private Webhook manageable(Principal who, long id) {
    if (who.kind() == Principal.Kind.ANONYMOUS) {
      throw new WebhookException(WebhookException.Reason.FORBIDDEN, "sign in to manage webhooks");
    }
    return db.readOnly(tx -> store.find(tx, id))
        .filter(w -> permissions.of(who, w.scope()) == WebhookPermissions.Access.MANAGE)
        .orElseThrow(() -> WebhookException.notFound("no webhook " + id));
  }

  private Webhook find(long id) {
    return db.readOnly(tx -> store.find(tx, id)).orElseThrow();
  }

  private byte[] seal(long webhookId, String secret) {
    return box.seal(DeliveryEngine.sealName(webhookId), secret.getBytes(StandardCharsets.UTF_8));
  }

  private void record(Tx tx, Principal who, EventType type, long id, Scope scope, Map<String, String> detail) {
    Caller from = origin.get();
    Map<String, String> facts = new LinkedHashMap<>(detail);
    facts.put("scope", scope.toString());
    events.append(tx, Event.change(type, clock.instant(), new Caller(actor(who), from.client(), from.requestId()),
        "webhook " + id, scope.kind() == Scope.Kind.REPOSITORY ? RepositoryName.of(scope.name()) : null, facts));
  }

  private static String actor(Principal who) {
    return who.kind() == Principal.Kind.ANONYMOUS ? "anonymous" : who.subject();
  }

  /** Stops sending: deliveries in flight finish and are recorded, the rest wait in the database. */
  @Override
  public void close() throws InterruptedException {
    engine.close();
  }
}
