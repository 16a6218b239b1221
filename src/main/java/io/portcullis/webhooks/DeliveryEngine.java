package io.portcullis.webhooks;

import io.portcullis.shared.Scope;
import io.portcullis.auth.secret.SecretBox;
import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventType;
import io.portcullis.metadata.Database;
import io.portcullis.metadata.Tx;
import io.portcullis.shared.Caller;
import io.portcullis.shared.NetworkPolicy;
import io.portcullis.shared.RepositoryName;
import io.portcullis.webhooks.WebhookStore.Attempt;
import io.portcullis.webhooks.WebhookStore.Claim;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends queued deliveries. One dispatcher (a virtual thread per replica) claims due deliveries with a
 * lease, at most as many as there are free sending slots, and starts a virtual thread per delivery; an
 * outcome writer records finished attempts in batches (one commit for many sends when busy) and wakes
 * the dispatcher, since a recorded outcome may free the next delivery of its lane. A sender that dies
 * leaves its lease to run out; the delivery is then claimed again (at least once).
 */
final class DeliveryEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeliveryEngine.class);
  /** How often an idle dispatcher looks for due deliveries (retries, other replicas' fan-outs). */
  private static final long POLL_MILLIS = 1_000;
  private static final int OUTCOME_BATCH = 500;
  private static final String USER_AGENT = "Portcullis-Webhooks/1";

  private record Outcome(Claim claim, Attempt attempt, String disableReason, boolean gone, String metric,
      Duration took) {}

  private final Database db;
  private final WebhookStore store;
  private final EventLog events;
  private final SecretBox box;
  private final NetworkPolicy policy;
  private final WebhookClient client;
  private final Payloads payloads;
  private final Clock clock;
  private final WebhookSettings settings;
  private final Backoff backoff;
  private final String owner;
  private final Webhooks.Listener listener;
  private final Semaphore slots;
  private final Semaphore wake = new Semaphore(0);
  private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean running;
  private Thread dispatcher;
  private Thread writer;

  DeliveryEngine(Database db, WebhookStore store, EventLog events, SecretBox box, NetworkPolicy policy,
      WebhookClient client, Payloads payloads, Clock clock, WebhookSettings settings, Backoff backoff, String owner,
      Webhooks.Listener listener) {
    this.db = db;
    this.store = store;
    this.events = events;
    this.box = box;
    this.policy = policy;
    this.client = client;
    this.payloads = payloads;
    this.clock = clock;
    this.settings = settings;
    this.backoff = backoff;
    this.owner = owner;
    this.listener = listener;
    this.slots = new Semaphore(settings.concurrency());
  }

  void start() {
    running = true;
    writer = Thread.ofVirtual().name("webhooks-outcomes").start(this::writeOutcomes);
    dispatcher = Thread.ofVirtual().name("webhooks-dispatcher").start(this::dispatch);
  }

  /** Something may have become due: look now rather than at the next poll. */
  void wake() {
    wake.release();
  }

  /** Deliveries being sent by this replica right now. */
  int inFlight() {
    return inFlight.get();
  }

  static String sealName(long webhookId) {
    return "webhook-secret:" + webhookId;
  }

  private void dispatch() {
    while (running) {
      int reserved = reserve();
      List<Claim> claims = List.of();
      if (reserved > 0) {
        try {
          claims = db.inTransaction(tx -> claim(tx, reserved));
        } catch (RuntimeException e) {
          log.error("webhook dispatch failed; retrying", e);
        }
      }
      slots.release(reserved - claims.size());
      start(claims);
      if (claims.size() < reserved || reserved == 0) {
        pause();
      }
    }
  }

  /** Takes every free sending slot; whoever reserved them releases those it does not fill. */
  private int reserve() {
    int reserved = 0;
    while (running && slots.tryAcquire()) {
      reserved++;
    }
    return reserved;
  }

  private List<Claim> claim(Tx tx, int limit) {
    long now = clock.millis();
    // Long enough for a connection and an answer at their slowest, with room for the outcome's commit.
    long lease = now + 2 * settings.timeout().toMillis() + 30_000;
    return store.claim(tx, owner, now, lease, limit);
  }

  /** Sends each claimed delivery on its own virtual thread, in the slot reserved for it. */
  private void start(List<Claim> claims) {
    if (claims.isEmpty()) {
      return;
    }
    Map<Long, Event> found;
    Map<Long, List<byte[]>> sealed;
    try {
      found = events.find(claims.stream().filter(c -> c.eventId() != null).map(Claim::eventId).toList());
      sealed = db.readOnly(tx -> store.secrets(tx, claims.stream().map(Claim::webhookId).distinct().toList(),
          clock.millis()));
    } catch (RuntimeException e) {
      log.error("cannot prepare {} webhook deliveries; they are sent when their leases run out", claims.size(), e);
      slots.release(claims.size());
      return;
    }
    for (Claim claim : claims) {
      Event event = claim.eventId() == null ? null : found.get(claim.eventId());
      List<byte[]> keys = sealed.getOrDefault(claim.webhookId(), List.of());
      inFlight.incrementAndGet();
      Thread.ofVirtual().name("webhook-delivery-" + claim.deliveryId()).start(() -> {
        try {
          outcomes.add(send(claim, event, keys.stream().map(k -> Signatures.key(new String(
              box.open(sealName(claim.webhookId()), k), StandardCharsets.UTF_8))).toList()));
        } catch (RuntimeException e) {
          log.error("webhook delivery {} failed unexpectedly; it is sent again when its lease runs out",
              claim.deliveryId(), e);
        } finally {
          inFlight.decrementAndGet();
          slots.release();
        }
      });
    }
  }

  /** One attempt, start to finish; never throws for what the receiver or the network did. */
  private Outcome send(Claim claim, Event event, List<byte[]> keys) {
    long attemptedAt = clock.millis();
    long started = System.nanoTime();
    Map<String, String> headers = new LinkedHashMap<>();
    String body = null;
    Integer status = null;
    String responseBody = null;
    String error;
    boolean gone = false;
    Duration retryAfter = null;
    try {
      URI url = WebhookUrl.parse(claim.url());
      List<InetAddress> addresses = policy.resolve(url);
      if (keys.isEmpty()) {
        throw new IllegalStateException("webhook " + claim.webhookId() + " has no signing secret");
      }
      if (claim.eventId() != null && event == null) {
        throw new IllegalStateException("event " + claim.eventId() + " is no longer in the log");
      }
      byte[] payload = event != null ? payloads.event(event, claim.format())
          : payloads.ping(claim.webhookId(), claim.messageId(), java.time.Instant.ofEpochMilli(claim.createdAt()),
              claim.format());
      body = new String(payload, StandardCharsets.UTF_8);
      String id = claim.messageId();
      long timestamp = clock.instant().getEpochSecond();
      headers.put("Host", WebhookClient.hostHeader(url));
      headers.put("Content-Type", claim.format().contentType());
      headers.put("User-Agent", USER_AGENT);
      headers.put("webhook-id", id);
      headers.put("webhook-timestamp", Long.toString(timestamp));
      headers.put("webhook-signature", Signatures.sign(id, timestamp, payload, keys));
      Map<String, String> sent = new LinkedHashMap<>(headers);
      sent.remove("Host");
      WebhookClient.Response response = post(url, addresses, sent, payload);
      status = response.status();
      responseBody = printable(new String(response.bodyHead(), StandardCharsets.UTF_8));
      error = status >= 200 && status < 300 ? null : describe(response);
      gone = status == 410;
      retryAfter = retryAfter(response.header("retry-after"));
    } catch (NetworkPolicy.Refused e) {
      error = "refused: " + e.getMessage();
    } catch (WebhookException e) {
      error = e.getMessage();
    } catch (SocketTimeoutException e) {
      long millis = settings.timeout().toMillis();
      error = "no answer within " + (millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms");
    } catch (ConnectException e) {
      error = "cannot connect: " + e.getMessage();
    } catch (SSLException e) {
      error = "TLS: " + e.getMessage();
    } catch (IOException e) {
      error = e.getClass().getSimpleName() + ": " + e.getMessage();
    } catch (RuntimeException e) {
      log.error("webhook delivery {} could not be prepared", claim.deliveryId(), e);
      error = "could not be prepared: " + e.getMessage();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    long now = clock.millis();
    int attempts = claim.attempts() + 1;
    long firstAttemptAt = claim.firstAttemptAt() == null ? attemptedAt : claim.firstAttemptAt();
    long horizon = claim.createdAt() + settings.retryHorizon().toMillis();
    boolean ping = claim.eventId() == null;
    Delivery.State state;
    long next = now;
    String metric;
    String disableReason = null;
    if (error == null) {
      state = Delivery.State.SUCCEEDED;
      metric = "succeeded";
    } else if (ping || gone || now >= horizon) {
      state = Delivery.State.FAILED;
      metric = "gave_up";
      if (gone) {
        disableReason = "the receiver answered 410 Gone";
      } else if (!ping) {
        disableReason = "every attempt failed for " + settings.retryHorizon() + " (last: " + error + ")";
      }
    } else {
      state = Delivery.State.PENDING;
      metric = "failed";
      // The last try falls on the horizon itself, so a receiver back just before it still gets the event.
      next = Math.min(now + backoff.after(attempts, retryAfter, ThreadLocalRandom.current()).toMillis(), horizon);
    }
    Attempt attempt = new Attempt(claim.deliveryId(), state, attempts, attemptedAt, firstAttemptAt, next,
        state == Delivery.State.PENDING ? null : now, headers, body, status, responseBody,
        took.toMillis(), error == null ? null : printable(error));
    return new Outcome(claim, attempt, disableReason, gone, metric, took);
  }

  /** Connects to the checked addresses in turn (each already permitted); the first answer counts. */
  private WebhookClient.Response post(URI url, List<InetAddress> addresses, Map<String, String> headers, byte[] body)
      throws IOException {
    ConnectException refused = null;
    for (InetAddress address : addresses) {
      try {
        return client.post(url, address, headers, body, settings.timeout());
      } catch (ConnectException e) {
        refused = e;
      }
    }
    throw refused;
  }

  private static String describe(WebhookClient.Response response) {
    int status = response.status();
    if (status >= 300 && status < 400) {
      String location = response.header("location");
      return "HTTP " + status + ": redirect" + (location == null ? "" : " to " + location)
          + " not followed (webhooks never follow redirects; change the URL)";
    }
    if (status == 410) {
      return "HTTP 410 Gone: the receiver wants no more deliveries";
    }
    return "HTTP " + status;
  }

  /** {@code Retry-After} as seconds or an HTTP date; null when absent or unreadable. */
  private Duration retryAfter(String value) {
    if (value == null) {
      return null;
    }
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
    } catch (NumberFormatException e) {
      try {
        return Duration.between(clock.instant(), ZonedDateTime.parse(value.trim(),
            DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
      } catch (DateTimeParseException ignored) {
        return null;
      }
    }
  }

  /** Text as the database can keep it: PostgreSQL refuses NUL, and control characters help no reader. */
  private static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(c -> out.appendCodePoint(c == '\n' || c == '\r' || c == '\t' || !Character.isISOControl(c)
        ? c : 0xFFFD));
    return out.toString();
  }

  private void writeOutcomes() {
    List<Outcome> batch = new ArrayList<>();
    while (running || inFlight.get() > 0 || !outcomes.isEmpty()) {
      try {
        Outcome first = outcomes.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        outcomes.drainTo(batch, OUTCOME_BATCH - 1);
        record(batch);
        batch.clear();
        wake();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * Records the outcomes in one transaction which also claims the deliveries they let through (the next
   * of each lane), so a busy lane costs one commit per delivery, not two.
   */
  private void record(List<Outcome> batch) {
    int reserved = reserve();
    List<Claim> next;
    try {
      next = db.inTransaction(tx -> {
        batch.forEach(o -> apply(tx, o));
        return reserved == 0 ? List.<Claim>of() : claim(tx, reserved);
      });
    } catch (RuntimeException e) {
      slots.release(reserved);
      if (batch.size() == 1) {
        log.error("could not record the outcome of webhook delivery {}; it is sent again when its lease runs out",
            batch.getFirst().claim().deliveryId(), e);
        return;
      }
      // One bad outcome must not cost the others theirs.
      batch.forEach(o -> record(List.of(o)));
      return;
    }
    slots.release(reserved - next.size());
    start(next);
    batch.forEach(o -> listener.attempted(o.metric(), o.took()));
  }

  private void apply(Tx tx, Outcome o) {
    long webhookId = o.claim().webhookId();
    long at = o.attempt().attemptedAt();
    if (!store.finishAttempt(tx, owner, o.attempt())) {
      log.warn("webhook delivery {} took longer than its lease; its outcome is left to the sender that took it over",
          o.claim().deliveryId());
      return;
    }
    if (o.claim().eventId() == null) {
      return;
    }
    if (o.attempt().state() == Delivery.State.SUCCEEDED) {
      store.recordSuccess(tx, webhookId, at);
      return;
    }
    store.recordFailure(tx, webhookId, at);
    if (o.disableReason() == null) {
      return;
    }
    Webhook webhook = store.find(tx, webhookId).orElse(null);
    // Disabled only when nothing got through since this delivery was first tried: a receiver that takes
    // other deliveries but chokes on one loses that one, not its webhook.
    boolean failingThroughout = webhook != null && webhook.failingSince() != null
        && webhook.failingSince().toEpochMilli() <= o.attempt().firstAttemptAt();
    if (webhook != null && (o.gone() || failingThroughout)
        && store.setEnabled(tx, webhookId, false, o.disableReason(), clock.millis())) {
      log.warn("webhook {} ({}) disabled: {}", webhookId, webhook.scope(), o.disableReason());
      Scope scope = webhook.scope();
      events.append(tx, Event.change(EventType.WEBHOOK_DISABLED, clock.instant(), Caller.SYSTEM, "webhook " + webhookId,
          scope.kind() == Scope.Kind.REPOSITORY ? RepositoryName.of(scope.name()) : null,
          Map.of("webhook", Long.toString(webhookId), "reason", o.disableReason(), "scope", scope.toString())));
    }
  }

  private void pause() {
    try {
      if (wake.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        wake.drainPermits();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** Stops claiming; deliveries in flight finish (each within its timeout) and their outcomes are recorded. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    wake();
    long wait = 2 * settings.timeout().toMillis() + 5_000;
    if (dispatcher != null) {
      dispatcher.join(wait);
    }
    if (writer != null) {
      writer.join(wait);
    }
  }
}
