package io.portcullis.web.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.auth.Principal;
import io.portcullis.gc.GcReport;
import io.portcullis.gc.GcRun;
import io.portcullis.gc.GcService;
import io.portcullis.identity.Identity;
import io.portcullis.shared.Caller;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code /api/v1/gc/runs}: garbage collection runs, for system administrators only (a run deletes
 * across every namespace, and its report names them all).
 */
final class GcApi {
  private static final int DEFAULT_PAGE = 50;

  private final GcService gc;
  private final ApiAuthentication authentication;
  private final Identity identity;
  private final ObjectMapper json;

  GcApi(GcService gc, ApiAuthentication authentication, Identity identity, ObjectMapper json) {
    this.gc = gc;
    this.authentication = authentication;
    this.identity = identity;
    this.json = json;
  }

  private Router.Handler op(ApiAuthentication.Operation operation) {
    return authentication.signedInHandler("run garbage collection", (ex, p, who) -> {
      if (!identity.accessController().isSystemAdmin(who)) {
        throw new Problem(403, "Forbidden", "garbage collection is for system administrators").failure();
      }
      operation.run(ex, p, who);
    }, (ex, e, who) -> null);
  }

  void addRoutes(Router r) {
    r.add("GET", "/gc/runs/{id}", "api.gc.run", op((ex, p, who) -> {
      long id = id(p.get("id"));
      ex.sendJson(200, json, run(gc.find(id).orElseThrow(() -> Problem.notFound("no gc run " + id).failure())));
    }));
    r.add("GET", "/gc/runs", "api.gc.runs", op((ex, p, who) -> {
      long before = ApiV1.longParam(ex, "before", 0, 0, Long.MAX_VALUE);
      int limit = ApiV1.intParam(ex, "limit", DEFAULT_PAGE, 1, ApiV1.MAX_PAGE);
      List<GcRun> runs = gc.list(before, limit);
      ObjectNode body = json.createObjectNode();
      ArrayNode items = body.putArray("items");
      runs.forEach(run -> items.add(run(run)));
      if (runs.size() == limit) {
        String next = ApiV1.PREFIX + "/gc/runs?limit=" + limit + "&before=" + runs.getLast().id();
        body.put("next", next);
        ex.header("Link", "<" + next + ">; rel=\"next\"");
      }
      ex.sendJson(200, json, body);
    }));
    r.add("POST", "/gc/runs", "api.gc.runs", op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, Set.of("dryRun", "deleteUntagged"));
      Boolean dryRun = b.bool("dryRun");
      GcService.Requested requested = gc.request(dryRun != null && dryRun, b.bool("deleteUntagged"),
          new Caller(who.subject(), ex.clientAddress(), ex.requestId()));
      GcRun run = requested.run();
      ex.header("Location", ApiV1.PREFIX + "/gc/runs/" + run.id());
      if (!requested.created()) {
        throw new Problem(409, "Conflict", "gc run " + run.id() + " is already " + run.state()
            + "; one run at a time (see " + ApiV1.PREFIX + "/gc/runs/" + run.id() + ")").failure();
      }
      ex.sendJson(202, json, run(run));
    }));
  }

  private ObjectNode run(GcRun r) {
    ObjectNode node = json.createObjectNode();
    node.put("id", r.id());
    node.put("job", r.jobId());
    node.put("state", r.state());
    node.put("dryRun", r.dryRun());
    node.put("deleteUntagged", r.deleteUntagged());
    node.put("phase", r.phase());
    node.put("requestedBy", r.requestedBy());
    node.put("createdAt", r.createdAt().toString());
    IdentityApi.time(node, "startedAt", r.startedAt());
    IdentityApi.time(node, "finishedAt", r.finishedAt());
    if (r.startedAt() != null) {
      Instant end = r.finishedAt() == null ? Instant.now() : r.finishedAt();
      node.put("durationMs", Math.max(0, Duration.between(r.startedAt(), end).toMillis()));
    }
    GcReport report = r.report();
    node.put("manifests", report.manifests()).put("links", report.links()).put("blobs", report.blobs())
        .put("blobBytes", report.bytes()).put("orphanFiles", report.orphanFiles())
        .put("orphanBytes", report.orphanBytes()).put("uploads", report.uploads())
        .put("freedBytes", report.freedBytes());
    ObjectNode namespaces = node.putObject("namespaces");
    for (Map.Entry<String, GcReport.Namespace> n : new TreeMap<>(report.namespaces()).entrySet()) {
      namespaces.putObject(n.getKey()).put("manifests", n.getValue().manifests()).put("links", n.getValue().links())
          .put("bytes", n.getValue().bytes());
    }
    node.put("message", r.message());
    return node;
  }

  private static long id(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw Problem.notFound("no gc run " + text).failure();
    }
  }
}
