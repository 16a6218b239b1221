package io.portcullis.events;

import java.util.List;

/**
 * Reacts to events after they committed. Delivery is at least once, in log order per subscriber: a
 * handler that fails (or a replica that dies mid-batch) gets the same events again, so handling must
 * be idempotent (insert-or-ignore keyed by the event, or by what the event names).
 */
public interface Subscriber {
  /** Stable name: the subscriber's position in the outbox is kept under it across restarts. */
  String name();

  /** Which events to queue for this subscriber; decided when an event is appended. */
  boolean wants(EventType type);

  void handle(List<Event> events) throws Exception;
}
