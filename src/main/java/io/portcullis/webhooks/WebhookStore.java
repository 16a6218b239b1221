package io.portcullis.webhooks;

import io.portcullis.shared.Scope;
import io.portcullis.events.EventType;
import io.portcullis.metadata.Tx;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Where webhooks, their secrets and their deliveries are kept; every method works in the caller's transaction. */
public interface WebhookStore {

  /** What can change about a webhook after it was created (besides being switched on or off). */
  record Settings(String url, Set<EventType> events, PayloadFormat format, String description) {}

  /** A new webhook: its scope, its settings, why it starts disabled (null: it starts enabled), who created it. */
  record NewWebhook(Scope scope, Settings settings, String disabledReason, String createdBy) {}

  /**
   * A message to queue.
   *
   * @param eventId      the event reported; null for a ping
   * @param lane         what must be delivered in order: the event's repository, or {@code ""}
   * @param redeliveryOf the first delivery of the message repeated, or null
   */
  record NewDelivery(long webhookId, Long eventId, String type, String lane, Long redeliveryOf) {}

  /**
   * A delivery a sender has claimed: what it needs to send it.
   *
   * @param redeliveryOf the first delivery of the message when this one repeats it, else null
   */
  record Claim(long deliveryId, long webhookId, String url, PayloadFormat format, Long eventId, String type,
      int attempts, long createdAt, Long firstAttemptAt, Long redeliveryOf) {

    /** The message id: the same for every attempt and every redelivery. */
    public String messageId() {
      return eventId != null ? "evt_" + eventId : "ping_" + (redeliveryOf != null ? redeliveryOf : deliveryId);
    }
  }

  /** The outcome of one attempt, as the delivery log keeps it. */
  record Attempt(long deliveryId, Delivery.State state, int attempts, long attemptedAt, long firstAttemptAt,
      long nextAttemptAt, Long finishedAt, Map<String, String> requestHeaders, String requestBody,
      Integer responseStatus, String responseBody, long durationMillis, String error) {}

  /** Pending deliveries of all replicas, and how long the most overdue one has been due (0: none is). */
  record Backlog(long pending, long oldestDueMillis) {}

  int count(Tx tx, Scope scope);

  /** @return the new webhook's id */
  long insert(Tx tx, NewWebhook webhook, long now);

  Optional<Webhook> find(Tx tx, long id);

  /** The scope's own webhooks (not those of wider scopes), by id. */
  List<Webhook> list(Tx tx, Scope scope);

  void update(Tx tx, long id, Settings settings, long now);

  /**
   * Switches the webhook on (forgetting its failures) or off with a reason.
   *
   * @return whether it changed
   */
  boolean setEnabled(Tx tx, long id, boolean enabled, String reason, long now);

  /** Deletes the webhook with its secrets and deliveries; false when there was none. */
  boolean delete(Tx tx, long id);

  /** Deletes every webhook of {@code scope} with their secrets and deliveries; returns how many. */
  int deleteAll(Tx tx, Scope scope);

  /**
   * Makes {@code sealed} the current secret; the previous current one signs until {@code previousExpiresAt}
   * (no later than now: not at all), and secrets that expired before now are deleted.
   */
  void replaceSecret(Tx tx, long webhookId, byte[] sealed, long now, long previousExpiresAt);

  /** The sealed secrets that sign at {@code now}, per webhook, the current one first. */
  Map<Long, List<byte[]>> secrets(Tx tx, Collection<Long> webhookIds, long now);

  /** The enabled webhooks whose scope is global, one of {@code namespaces} or one of {@code repositories}. */
  List<Webhook> covering(Tx tx, Set<String> repositories, Set<String> namespaces);

  /** Whether an enabled webhook subscribes to pulls ({@code manifest.pulled}, {@code tag.pulled}). */
  boolean anyWantsReads(Tx tx);

  /** Queues deliveries of events; a webhook gets each event once however often this is repeated. */
  void insertDeliveries(Tx tx, List<NewDelivery> deliveries, long now);

  /** Queues one delivery (a ping, a redelivery), due now; returns its id. */
  long insertDelivery(Tx tx, NewDelivery delivery, long now);

  Optional<Delivery> findDelivery(Tx tx, long webhookId, long deliveryId);

  /** The webhook's deliveries with ids below {@code before} (0: from the newest), newest first. */
  List<Delivery> deliveries(Tx tx, long webhookId, long before, int limit);

  /**
   * Leases up to {@code limit} due deliveries to {@code owner} until {@code leaseUntil}: of each lane
   * only the oldest pending one, never one another sender holds, and only of enabled webhooks except
   * pings. A lease that ran out (its sender died) may be claimed again.
   */
  List<Claim> claim(Tx tx, String owner, long now, long leaseUntil, int limit);

  /** Records an attempt and ends the lease; false (nothing written) when the lease is no longer the owner's. */
  boolean finishAttempt(Tx tx, String owner, Attempt attempt);

  /** An attempt made at {@code at} succeeded: failures before it are forgotten. */
  void recordSuccess(Tx tx, long webhookId, long at);

  /** An attempt made at {@code at} failed; the webhook has been failing since the earliest such attempt. */
  void recordFailure(Tx tx, long webhookId, long at);

  Backlog backlog(Tx tx, long now);

  /** Deletes finished deliveries older than {@code finishedBefore} and expired secrets; returns the deliveries deleted. */
  int purge(Tx tx, long finishedBefore, long now);
}
