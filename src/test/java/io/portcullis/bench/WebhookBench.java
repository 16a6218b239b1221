package io.portcullis.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpServer;
import io.portcullis.auth.Principal;
import io.portcullis.auth.secret.SecretBox;
import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.jdbc.JdbcEventStore;
import io.portcullis.events.EventType;
import io.portcullis.metadata.Database;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.IpNetwork;
import io.portcullis.shared.NetworkPolicy;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.Tag;
import io.portcullis.webhooks.WebhookPermissions;
import io.portcullis.shared.Scope;
import io.portcullis.webhooks.WebhookSettings;
import io.portcullis.webhooks.Webhooks;
import io.portcullis.webhooks.jdbc.JdbcWebhookStore;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Webhook benchmark (run by bench/webhooks.sh, not a test).
 *
 * <ul>
 *   <li>{@code relay WORK_DIR WEBHOOKS EVENTS}: EVENTS tag pushes (over REPOSITORIES, default 50) go through the
 *       event log's relay to WEBHOOKS global webhooks, first fanned out only (events/s through the relay,
 *       delivery rows/s), then sent to a receiver on 127.0.0.1 (deliveries/s). The database is SQLite
 *       in WORK_DIR, or PostgreSQL when BENCH_POSTGRES_URL is set (its schema is dropped first).
 *   <li>{@code receiver PORT}: a receiver answering 204 to everything, until killed (for the pull benchmark).
 * </ul>
 */
public final class WebhookBench {
  private static final Principal ADMIN = new Principal("bench", Principal.Kind.ADMIN, Set.of());

  public static void main(String[] args) throws Exception {
    if (args[0].equals("receiver")) {
      receiver(Integer.parseInt(args[1]), new AtomicLong());
      Thread.currentThread().join();
    }
    relay(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
  }

  private static HttpServer receiver(int port, AtomicLong received) throws Exception {
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 1024);
    http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    http.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      received.incrementAndGet();
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    http.start();
    return http;
  }

  private static void relay(Path work, int webhookCount, int eventCount) throws Exception {
    ObjectMapper json = JsonMapper.builder().findAndAddModules().build();
    Clock clock = Clock.systemUTC();
    String postgres = System.getenv("BENCH_POSTGRES_URL");
    if (postgres != null && !postgres.isBlank()) {
      try (var connection = java.sql.DriverManager.getConnection(postgres); var statement = connection.createStatement()) {
        statement.execute("DROP SCHEMA IF EXISTS public CASCADE");
        statement.execute("CREATE SCHEMA public");
      }
    }
    int concurrency = Integer.parseInt(System.getenv().getOrDefault("CONCURRENCY", "32"));
    int repositories = Integer.parseInt(System.getenv().getOrDefault("REPOSITORIES", "50"));
    AtomicLong received = new AtomicLong();
    HttpServer http = receiver(0, received);
    String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/hook";
    try (Database db = postgres == null || postgres.isBlank() ? Database.embedded(Files.createDirectories(work))
        : Database.postgres(postgres, null, null, 16);
        EventLog events = new EventLog(db, new JdbcEventStore(json), clock, "bench")) {
      Webhooks webhooks = new Webhooks(db, new JdbcWebhookStore(json), events,
          new SecretBox("a master key for the webhook benchmark, 32+ bytes".getBytes()),
          (who, scope) -> WebhookPermissions.Access.MANAGE, new NetworkPolicy("webhooks.allowed-networks", IpNetwork.parseList("127.0.0.1/32")),
          new WebhookSettings(Duration.ofSeconds(10), Duration.ofHours(24), Duration.ofHours(24), concurrency,
              Duration.ofDays(30), "bench"),
          clock, json, "bench", () -> Caller.SYSTEM, (outcome, took) -> { });
      events.subscribe(webhooks.subscriber());
      events.start();
      long created = System.nanoTime();
      for (int i = 0; i < webhookCount; i++) {
        webhooks.create(ADMIN, Scope.GLOBAL, url, List.of("tag.pushed"), null, null, true);
      }
      System.out.printf("database %s, %d webhooks created in %.1f s%n", db.dialect().name().toLowerCase(),
          webhookCount, (System.nanoTime() - created) / 1e9);

      long started = System.nanoTime();
      Digest digest = Digest.parse("sha256:" + "ab".repeat(32));
      for (int batch = 0; batch < eventCount; batch += 20) {
        int first = batch;
        db.inTransaction(tx -> {
          for (int i = first; i < Math.min(eventCount, first + 20); i++) {
            events.append(tx, Event.of(EventType.TAG_PUSHED, clock.instant(), Caller.SYSTEM,
                RepositoryName.of("bench/r" + (i % repositories)), digest, new Tag("t" + i), "application/json"));
          }
          return null;
        });
      }
      await(() -> events.subscribers().stream().anyMatch(s -> s.name().equals("webhooks") && s.pending() == 0
          && s.delivered() >= eventCount));
      double fanOut = (System.nanoTime() - started) / 1e9;
      long rows = webhooks.backlog().pending();
      System.out.printf("relay: %d events (%d repositories) to %d webhooks in %.2f s: %.0f events/s, "
          + "%.0f delivery rows/s (%d rows)%n", eventCount, repositories, webhookCount, fanOut, eventCount / fanOut,
          rows / fanOut, rows);

      long sending = System.nanoTime();
      webhooks.start();
      await(() -> webhooks.backlog().pending() == 0);
      double sent = (System.nanoTime() - sending) / 1e9;
      System.out.printf("send: %d deliveries in %.2f s: %.0f deliveries/s (concurrency %d), receiver got %d%n",
          rows, sent, rows / sent, concurrency, received.get());
      webhooks.close();
    } finally {
      http.stop(0);
    }
  }

  private static void await(BooleanSupplier done) throws InterruptedException {
    while (!done.getAsBoolean()) {
      Thread.sleep(100);
    }
  }
}
