package io.portcullis.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.metadata.Database;
import io.portcullis.metadata.Leases;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.Tag;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
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
  private static final String COLUMNS = "e.id, e.type, e.at, e.actor, e.client, e.request_id, e.repository, e.digest, "
      + "e.tag, e.media_type, e.target, e.detail";
  private static final TypeReference<Map<String, String>> DETAIL = new TypeReference<>() {};
  private static final int BATCH = 200;
  private static final int MAX_ATTEMPTS = 10;
  private static final Duration LEASE = Duration.ofSeconds(30);
  /** How often an idle relay looks for events appended by other replicas (its own wake it at once). */
  private static final long POLL_MILLIS = 1_000;
  private static final int READ_QUEUE = 65_536;
  /** A burst of pulls becomes one transaction per quarter second instead of one per pull. */
  private static final long READ_LINGER_MILLIS = 250;

  private final Database db;
  private final Leases leases;
  private final Clock clock;
  private final ObjectMapper json;
  private final String holder;
  private final List<Relay> relays = new CopyOnWriteArrayList<>();
  private final Map<EventType, AtomicLong> appended = new ConcurrentHashMap<>();
  private final BlockingQueue<Event> reads = new ArrayBlockingQueue<>(READ_QUEUE);
  private final AtomicLong readsDropped = new AtomicLong();
  private volatile boolean running;
  private Thread readWriter;

  /** @param holder this replica's name in the leases it takes */
  public EventLog(Database db, Clock clock, ObjectMapper json, String holder) {
    this.db = db;
    this.leases = new Leases(db, clock);
    this.clock = clock;
    this.json = json;
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
  public void append(io.portcullis.metadata.Tx tx, Event event) {
    append(tx.handle(), event);
  }

  public void append(Handle h, Event event) {
    long id = h.createQuery("INSERT INTO events(at, type, actor, client, request_id, repository, digest, tag, "
            + "media_type, target, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")
        .bind(0, event.at().toEpochMilli()).bind(1, event.type().wireName()).bind(2, event.caller().actor())
        .bind(3, event.caller().client()).bind(4, event.caller().requestId())
        .bind(5, event.repository() == null ? null : event.repository().value())
        .bind(6, event.digest() == null ? null : event.digest().toString())
        .bind(7, event.tag() == null ? null : event.tag().value()).bind(8, event.mediaType()).bind(9, event.target())
        .bind(10, event.detail().isEmpty() ? null : writeDetail(event.detail()))
        .mapTo(Long.class).one();
    boolean queued = false;
    for (Relay relay : relays) {
      if (relay.subscriber.wants(event.type())) {
        h.createUpdate("INSERT INTO event_deliveries(subscriber, event_id) VALUES (?, ?)")
            .bind(0, relay.subscriber.name()).bind(1, id).execute();
        queued = true;
      }
    }
    h.afterCommit(() -> appended.computeIfAbsent(event.type(), t -> new AtomicLong()).incrementAndGet());
    if (queued) {
      h.afterCommit(this::wakeRelays);
    }
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
    return db.read(h -> {
      var q = h.createQuery(sql.toString()).bind("before", query.before() <= 0 ? Long.MAX_VALUE : query.before())
          .bind("limit", query.limit());
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
    });
  }

  /** The events with these ids that are in the log, by id. */
  public Map<Long, Event> find(java.util.Collection<Long> ids) {
    if (ids.isEmpty()) {
      return Map.of();
    }
    Map<Long, Event> found = new java.util.HashMap<>();
    db.readOnly(tx -> tx.handle().createQuery("SELECT " + COLUMNS + " FROM events e WHERE e.id IN (<ids>)")
        .bindList("ids", List.copyOf(ids)).map((rs, ctx) -> event(rs)).list())
        .forEach(e -> found.put(e.id(), e));
    return found;
  }

  /** Events appended since start, by type (committed appends only). */
  public Map<EventType, Long> appendedCounts() {
    Map<EventType, Long> counts = new java.util.EnumMap<>(EventType.class);
    appended.forEach((type, count) -> counts.put(type, count.get()));
    return counts;
  }

  /** Pull events dropped because the batched append fell behind. */
  public long readsDropped() {
    return readsDropped.get();
  }

  /** Per subscriber: delivered since start, dead-lettered since start, and pending now (from the outbox). */
  public List<SubscriberStatus> subscribers() {
    Map<String, Long> pending = new java.util.HashMap<>();
    Map<String, Long> oldest = new java.util.HashMap<>();
    db.useRead(h -> h.createQuery("SELECT d.subscriber, COUNT(*), MIN(e.at) FROM event_deliveries d "
            + "JOIN events e ON e.id = d.event_id GROUP BY d.subscriber")
        .map((rs, ctx) -> {
          pending.put(rs.getString(1), rs.getLong(2));
          oldest.put(rs.getString(1), rs.getLong(3));
          return null;
        }).list());
    long now = clock.millis();
    return relays.stream().map(r -> {
      String name = r.subscriber.name();
      Long oldestAt = oldest.get(name);
      return new SubscriberStatus(name, r.delivered.get(), r.deadLettered.get(), pending.getOrDefault(name, 0L),
          oldestAt == null ? 0 : Math.max(0, now - oldestAt) / 1000.0);
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
        db.write(h -> {
          batch.forEach(e -> append(h, e));
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

  private String writeDetail(Map<String, String> detail) {
    try {
      return json.writeValueAsString(new java.util.TreeMap<>(detail));
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
      record Pending(Event event, int attempts) {}
      List<Pending> pending = db.read(h -> h.createQuery("SELECT " + COLUMNS + ", d.attempts FROM event_deliveries d "
              + "JOIN events e ON e.id = d.event_id WHERE d.subscriber = ? ORDER BY d.event_id LIMIT ?")
          .bind(0, subscriber.name()).bind(1, BATCH)
          .map((rs, ctx) -> new Pending(event(rs), rs.getInt(13))).list());
      if (pending.isEmpty()) {
        pause(POLL_MILLIS);
        return true;
      }
      // After a failure, events go one at a time so that one bad event cannot hold back the rest forever.
      List<Pending> batch = pending.getFirst().attempts() > 0 ? pending.subList(0, 1) : pending;
      List<Long> ids = batch.stream().map(p -> p.event().id()).toList();
      try {
        subscriber.handle(batch.stream().map(Pending::event).toList());
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
        db.write(h -> h.createUpdate("UPDATE event_deliveries SET attempts = attempts + 1 WHERE subscriber = :s "
            + "AND event_id IN (<ids>)").bind("s", subscriber.name()).bindList("ids", ids).execute());
        return false;
      }
      forget(ids);
      delivered.addAndGet(ids.size());
      return true;
    }

    private void forget(List<Long> ids) {
      db.write(h -> h.createUpdate("DELETE FROM event_deliveries WHERE subscriber = :s AND event_id IN (<ids>)")
          .bind("s", subscriber.name()).bindList("ids", ids).execute());
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
