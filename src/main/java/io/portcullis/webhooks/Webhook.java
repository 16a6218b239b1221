package io.portcullis.webhooks;

import io.portcullis.shared.Scope;
import io.portcullis.events.EventType;
import java.time.Instant;
import java.util.Set;

/**
 * A webhook as stored: where events of its scope go, and how its deliveries have been faring.
 *
 * @param events              the event types it receives; null for every deliverable type, those added later included
 * @param disabledReason      why it was switched off (by an administrator or automatically); null while enabled
 * @param consecutiveFailures failed attempts since the last successful one
 * @param failingSince        the first failed attempt since the last successful one; null when the last one succeeded
 * @param previousSecretExpiresAt until when the secret replaced by the last rotation still signs; null when none does
 */
public record Webhook(long id, Scope scope, String url, Set<EventType> events, PayloadFormat format,
    String description, boolean enabled, String disabledReason, Instant disabledAt, int consecutiveFailures,
    Instant failingSince, Instant lastSuccessAt, String createdBy, Instant createdAt, Instant updatedAt,
    Instant previousSecretExpiresAt) {

  public Webhook {
    events = events == null ? null : Set.copyOf(events);
  }

  /** Whether events of {@code type} go to this webhook (given its scope covers them). */
  public boolean wants(EventType type) {
    return events == null ? WebhookEvents.DELIVERABLE.contains(type) : events.contains(type);
  }
}
