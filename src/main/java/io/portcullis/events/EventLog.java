package io.portcullis.events;

import io.portcullis.metadata.Database;
import io.portcullis.metadata.Leases;
import io.portcullis.metadata.Tx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event log and its transactional outbox. A state change appends its event with {@link #append}
 * inside its own transaction, together with one delivery row per interested subscriber; after commit a
 * relay hands each subscriber its pending events in log order and deletes the rows it handled. So an
 * acknowledged change always has its event, a crash between commit and delivery only delays it, and
 * the log doubles as the audit log ({@link #search}).
 *
 * <p>Each subscriber's relay runs on one replica at a time, under a lease. Reads (pulls) change
 * nothing and must not cost their request a transaction: {@link #appendRead} queues them for a batched
 * append, dropping (and counting) what does not fit when the database falls behind.
 */
public final class EventLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventLog.class);
  private static final int BATCH = 200;
  private static final int MAX_ATTEMPTS = 10;
  private static final Duration LEASE = Duration.ofSeconds(30);
  /** How often an idle relay looks for events appended by other replicas (its own wake it at once). */
  private static final long POLL_MILLIS = 1_000;
  private static final int READ_QUEUE = 65_536;
  /** A burst of pulls becomes one transaction per quarter second instead of one per pull. */
  private static final long READ_LINGER_MILLIS = 250;

  private final Database db;
  private final EventStore store;
  private final Leases leases;
  private final Clock clock;
  private final String holder;
  private final List<Relay> relays = new CopyOnWriteArrayList<>();
  private final Map<EventType, AtomicLong> appended = new ConcurrentHashMap<>();
  private final BlockingQueue<Event> reads = new ArrayBlockingQueue<>(READ_QUEUE);
  private final AtomicLong readsDropped = new AtomicLong();
  private volatile boolean running;
  private Thread readWriter;

  /** @param holder this replica's name in the leases it takes */
  public EventLog(Database db, EventStore store, Clock clock, String holder) {
    this.db = db;
    this.store = store;
    this.leases = new Leases(db, clock);
    this.clock = clock;
    this.holder = holder;
  }

  /** Adds a subscriber; call before {@link #start} so that no event is appended without its delivery row. */
  public void subscribe(Subscriber subscriber) {
    if (running) {
      throw new IllegalStateException("subscribe before start");
    }
    relays.add(new Relay(subscriber));
  }

  public void start() {
    running = true;
    readWriter = Thread.ofVirtual().name("events-reads").start(this::writeReads);
    for (Relay relay : relays) {
      relay.thread = Thread.ofVirtual().name("events-" + relay.subscriber.name()).start(relay::run);
    }
  }

  /** Appends {@code event} in the caller's transaction: it commits, or rolls back, with the change it reports. */
  public void append(Tx tx, Event event) {
    List<String> subscribers = relays.stream().map(r -> r.subscriber)
        .filter(s -> s.wants(event.type())).map(Subscriber::name).toList();
    store.append(tx, event, subscribers);
    countOnCommit(tx, List.of(event));
    if (!subscribers.isEmpty()) {
      tx.afterCommit(this::wakeRelays);
    }
  }

  private void countOnCommit(Tx tx, List<Event> events) {
    tx.afterCommit(() -> events.forEach(e -> appended.computeIfAbsent(e.type(), t -> new AtomicLong()).incrementAndGet()));
  }

  /** Queues a read for the next batched append; never blocks the request that reports it. */
  public void appendRead(Event event) {
    if (!event.type().isRead()) {
      throw new IllegalArgumentException(event.type() + " changes state: append it in its transaction");
    }
    if (!reads.offer(event)) {
      long dropped = readsDropped.incrementAndGet();
      if (dropped == 1 || dropped % 10_000 == 0) {
        log.warn("the event log is behind on reads; dropped {} pull events so far", dropped);
      }
    }
  }

  /** Newest first. */
  public List<Event> search(EventQuery query) {
    return db.readOnly(tx -> store.search(tx, query));
  }

  /** The events with these ids that are in the log, by id. */
  public Map<Long, Event> find(Collection<Long> ids) {
    return ids.isEmpty() ? Map.of() : db.readOnly(tx -> store.find(tx, ids));
  }

  /** Events appended since start, by type (committed appends only). */
  public Map<EventType, Long> appendedCounts() {
    Map<EventType, Long> counts = new EnumMap<>(EventType.class);
    appended.forEach((type, count) -> counts.put(type, count.get()));
    return counts;
  }

  /** Pull events dropped because the batched append fell behind. */
  public long readsDropped() {
    return readsDropped.get();
  }

  /** Per subscriber: delivered since start, dead-lettered since start, and pending now (from the outbox). */
  public List<SubscriberStatus> subscribers() {
    Map<String, EventStore.Backlog> backlogs = db.readOnly(store::backlogs);
    long now = clock.millis();
    return relays.stream().map(r -> {
      String name = r.subscriber.name();
      EventStore.Backlog backlog = backlogs.get(name);
      return new SubscriberStatus(name, r.delivered.get(), r.deadLettered.get(), backlog == null ? 0 : backlog.events(),
          backlog == null ? 0 : Math.max(0, now - backlog.oldestAt()) / 1000.0);
    }).toList();
  }

  /** One subscriber's throughput and lag. */
  public record SubscriberStatus(String name, long delivered, long deadLettered, long pending, double oldestPendingSeconds) {}

  /** Stops the relays (what they have not handled stays in the outbox) after writing the queued reads. */
  @Override
  public void close() {
    running = false;
    wakeRelays();
    try {
      if (readWriter != null) {
        readWriter.join(10_000);
      }
      for (Relay relay : relays) {
        if (relay.thread != null) {
          relay.thread.join(10_000);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void wakeRelays() {
    relays.forEach(r -> r.wake.release());
  }

  private void writeReads() {
    List<Event> batch = new ArrayList<>();
    while (running || !reads.isEmpty()) {
      try {
        Event first = reads.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        if (running) {
          Thread.sleep(READ_LINGER_MILLIS);
        }
        reads.drainTo(batch, 9_999);
        db.inTransaction(tx -> {
          List<Event> undelivered = new ArrayList<>(batch.size());
          for (Event event : batch) {
            if (relays.stream().anyMatch(r -> r.subscriber.wants(event.type()))) {
              append(tx, event);
            } else {
              undelivered.add(event);
            }
          }
          if (!undelivered.isEmpty()) {
            store.appendUndelivered(tx, undelivered);
            countOnCommit(tx, undelivered);
          }
          return null;
        });
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.error("could not append {} pull events", batch.size(), e);
      } finally {
        batch.clear();
      }
    }
  }

  /** Delivers one subscriber's outbox rows, in log order, while this replica holds the subscriber's lease. */
  private final class Relay {
    final Subscriber subscriber;
    final Semaphore wake = new Semaphore(0);
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong deadLettered = new AtomicLong();
    Thread thread;
    long leaseUntil;

    Relay(Subscriber subscriber) {
      this.subscriber = subscriber;
    }

    String lease() {
      return "events:" + subscriber.name();
    }

    void run() {
      long backoff = 0;
      while (running) {
        try {
          if (!holdLease()) {
            pause(LEASE.toMillis() / 3);
            continue;
          }
          if (backoff > 0) {
            pause(backoff);
          }
          backoff = deliverOnce() ? 0 : nextBackoff(backoff);
        } catch (RuntimeException e) {
          log.error("event relay for {} failed", subscriber.name(), e);
          backoff = nextBackoff(backoff);
        }
      }
      leases.release(lease(), holder);
    }

    private boolean holdLease() {
      long now = clock.millis();
      // Renew at half-life, not on every pass: an idle relay costs one write per fifteen seconds.
      if (now < leaseUntil - LEASE.toMillis() / 2) {
        return true;
      }
      if (leases.acquire(lease(), holder, LEASE)) {
        leaseUntil = now + LEASE.toMillis();
        return true;
      }
      leaseUntil = 0;
      return false;
    }

    /** Handles one batch; false when the subscriber failed on it. */
    private boolean deliverOnce() {
      List<EventStore.Delivery> pending = db.readOnly(tx -> store.pending(tx, subscriber.name(), BATCH));
      if (pending.isEmpty()) {
        pause(POLL_MILLIS);
        return true;
      }
      // After a failure, events go one at a time so that one bad event cannot hold back the rest forever.
      List<EventStore.Delivery> batch = pending.getFirst().attempts() > 0 ? pending.subList(0, 1) : pending;
      List<Long> ids = batch.stream().map(p -> p.event().id()).toList();
      try {
        subscriber.handle(batch.stream().map(EventStore.Delivery::event).toList());
      } catch (Exception e) {
        int attempts = batch.getFirst().attempts() + 1;
        if (batch.size() == 1 && attempts >= MAX_ATTEMPTS) {
          log.error("subscriber {} gave up on event {} ({}) after {} attempts", subscriber.name(), ids.getFirst(),
              batch.getFirst().event().type().wireName(), attempts, e);
          forget(ids);
          deadLettered.incrementAndGet();
          return true;
        }
        log.warn("subscriber {} failed on {} events (attempt {}); retrying", subscriber.name(), ids.size(), attempts, e);
        db.inTransaction(tx -> {
          store.countFailedAttempt(tx, subscriber.name(), ids);
          return null;
        });
        return false;
      }
      forget(ids);
      delivered.addAndGet(ids.size());
      return true;
    }

    private void forget(List<Long> ids) {
      db.inTransaction(tx -> {
        store.removeDeliveries(tx, subscriber.name(), ids);
        return null;
      });
    }

    private void pause(long millis) {
      try {
        if (wake.tryAcquire(millis, TimeUnit.MILLISECONDS)) {
          wake.drainPermits();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      }
    }

    private static long nextBackoff(long previous) {
      return Math.min(30_000, previous == 0 ? 200 : previous * 2);
    }
  }
}
