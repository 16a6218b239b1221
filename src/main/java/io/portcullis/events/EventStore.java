package io.portcullis.events;

import io.portcullis.metadata.Tx;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Storage of the event log and of its outbox: one delivery row per event and subscriber still to handle it. */
public interface EventStore {
  /** Appends {@code event} with a delivery row for each of {@code subscribers}; returns its position in the log. */
  long append(Tx tx, Event event, List<String> subscribers);

  /** Appends events no subscriber wants in one statement batch: nothing to deliver, so no positions to return. */
  void appendUndelivered(Tx tx, List<Event> events);

  /** The events with these ids that are in the log, by id. */
  Map<Long, Event> find(Tx tx, Collection<Long> ids);

  /** Events matching {@code query}, newest first. */
  List<Event> search(Tx tx, EventQuery query);

  /** The oldest {@code limit} events {@code subscriber} has yet to handle, in log order. */
  List<Delivery> pending(Tx tx, String subscriber, int limit);

  /** Counts a failed attempt of {@code subscriber} at each of the events {@code eventIds}. */
  void countFailedAttempt(Tx tx, String subscriber, List<Long> eventIds);

  /** Removes the delivery rows of {@code subscriber} for {@code eventIds}: handled, or given up on. */
  void removeDeliveries(Tx tx, String subscriber, List<Long> eventIds);

  /** What each subscriber with pending events has yet to handle, by subscriber name. */
  Map<String, Backlog> backlogs(Tx tx);

  /** A pending event and how many attempts at it failed so far. */
  record Delivery(Event event, int attempts) {}

  /** @param oldestAt when the oldest pending event happened (epoch millis) */
  record Backlog(long events, long oldestAt) {}
}
