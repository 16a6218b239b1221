package io.portcullis.webhooks;

import io.portcullis.events.Event;
import io.portcullis.events.EventType;
import io.portcullis.events.Subscriber;
import io.portcullis.metadata.Database;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The event log's one subscriber for all webhooks: each batch of events becomes, in one transaction,
 * a delivery row per event and matching enabled webhook. A thousand webhooks therefore cost one relay
 * and one commit per batch, not a thousand subscribers; redelivered batches find their rows there.
 *
 * <p>Pulls are the bulk of all events, so they are queued only while some enabled webhook wants them:
 * {@code readsWanted} answers from memory (see {@link Webhooks}), never from the database, because it
 * is asked inside every append.
 */
final class FanOut implements Subscriber {
  static final String NAME = "webhooks";

  private final Database db;
  private final WebhookStore store;
  private final Clock clock;
  private final Runnable queued;
  private final BooleanSupplier readsWanted;

  /**
   * @param queued      told after deliveries were queued
   * @param readsWanted whether any enabled webhook subscribes to pulls
   */
  FanOut(Database db, WebhookStore store, Clock clock, Runnable queued, BooleanSupplier readsWanted) {
    this.db = db;
    this.store = store;
    this.clock = clock;
    this.queued = queued;
    this.readsWanted = readsWanted;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean wants(EventType type) {
    return WebhookEvents.DELIVERABLE.contains(type) && (!type.isRead() || readsWanted.getAsBoolean());
  }

  @Override
  public void handle(List<Event> events) {
    Set<String> repositories = new HashSet<>();
    Set<String> namespaces = new HashSet<>();
    for (Event event : events) {
      if (event.repository() != null) {
        String name = event.repository().value();
        repositories.add(name);
        if (name.indexOf('/') > 0) {
          namespaces.add(event.repository().namespace());
        }
      }
    }
    long now = clock.millis();
    int count = db.inTransaction(tx -> {
      List<Webhook> candidates = store.covering(tx, repositories, namespaces);
      List<WebhookStore.NewDelivery> deliveries = new ArrayList<>();
      for (Event event : events) {
        String lane = event.repository() == null ? "" : event.repository().value();
        for (Webhook webhook : candidates) {
          if (webhook.scope().covers(event.repository()) && webhook.wants(event.type())) {
            deliveries.add(new WebhookStore.NewDelivery(webhook.id(), event.id(), event.type().wireName(), lane, null));
          }
        }
      }
      store.insertDeliveries(tx, deliveries, now);
      return deliveries.size();
    });
    if (count > 0) {
      queued.run();
    }
  }
}
