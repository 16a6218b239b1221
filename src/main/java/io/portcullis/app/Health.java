package io.portcullis.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.metadata.Database;
import io.portcullis.storage.BlobStore;
import io.portcullis.web.Exchange;
import java.io.IOException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The probes an orchestrator asks: {@code /livez} (the process serves requests: restart it when not),
 * {@code /readyz} (it can do its work: database reachable, migrations applied, storage writable; take
 * it out of the load balancer when not) and {@code /healthz} (kept for existing setups: readiness).
 */
final class Health {
  private static final Logger log = LoggerFactory.getLogger(Health.class);

  private final Database db;
  private final BlobStore store;
  private final BooleanSupplier started;
  private final ObjectMapper json;
  private volatile String lastFailure;

  Health(Database db, BlobStore store, BooleanSupplier started, ObjectMapper json) {
    this.db = db;
    this.store = store;
    this.started = started;
    this.json = json;
  }

  void live(Exchange ex) throws IOException {
    ex.route("livez");
    ex.sendJson(200, json, json.createObjectNode().put("status", "live"));
  }

  void ready(Exchange ex) throws IOException {
    ex.route(ex.path().startsWith("/healthz") ? "healthz" : "readyz");
    ObjectNode checks = json.createObjectNode();
    // Migrations run before the server starts; "started" means they were applied.
    boolean ready = record(checks, "migrations", started.getAsBoolean() ? null : "starting");
    ready &= record(checks, "database", databaseProblem());
    ready &= record(checks, "storage", storageProblem());
    ObjectNode body = json.createObjectNode().put("status", ready ? "ready" : "not ready");
    body.set("checks", checks);
    ex.sendJson(ready ? 200 : 503, json, body);
  }

  private boolean record(ObjectNode checks, String name, String problem) {
    checks.put(name, problem == null ? "ok" : problem);
    return problem == null;
  }

  private String databaseProblem() {
    try {
      db.ping();
      return null;
    } catch (RuntimeException e) {
      return failed("database", e);
    }
  }

  private String storageProblem() {
    try {
      store.checkWritable();
      return null;
    } catch (IOException | RuntimeException e) {
      return failed("storage", e);
    }
  }

  /** Logs a failing check once per change of reason, not on every probe. */
  private String failed(String check, Exception e) {
    String reason = check + ": " + e.getMessage();
    if (!reason.equals(lastFailure)) {
      lastFailure = reason;
      log.warn("not ready: {}", reason);
    }
    return "failed: " + e.getMessage();
  }
}
