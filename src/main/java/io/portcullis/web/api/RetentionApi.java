package io.portcullis.web.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.auth.AccessController;
import io.portcullis.auth.Principal;
import io.portcullis.policy.PolicyDefinition;
import io.portcullis.retention.RetentionPolicy;
import io.portcullis.retention.RetentionService;
import io.portcullis.shared.Caller;
import io.portcullis.shared.RepositoryName;
import io.portcullis.web.Exchange;
import java.util.Locale;
import java.util.Set;

/**
 * {@code /api/v1/repositories/{name}/retention}: a repository's pruning policy and its runs, for those
 * who manage the repository (the {@code *} action); to anyone else it does not exist.
 */
final class RetentionApi {
  private static final String PATH = "/repositories/{name...}/retention";

  private final RetentionService retention;
  private final ApiAuthentication authentication;
  private final AccessController access;
  private final ObjectMapper json;

  RetentionApi(RetentionService retention, ApiAuthentication authentication, AccessController access,
      ObjectMapper json) {
    this.retention = retention;
    this.authentication = authentication;
    this.access = access;
    this.json = json;
  }

  private Router.Handler op(ApiAuthentication.Operation operation) {
    return authentication.signedInHandler("manage pruning policies", (ex, p, who) -> {
      RepositoryName name = RepositoryName.of(p.get("name"));
      if (!ApiAuthentication.managesRepository(access, who, name)) {
        throw Problem.notFound("no repository " + name + " you manage").failure();
      }
      operation.run(ex, p, who);
    }, (ex, e, who) -> e instanceof IllegalArgumentException invalid ? Problem.badRequest(invalid.getMessage()).failure()
        : null);
  }

  void addRoutes(Router r) {
    r.add("POST", PATH + "/runs", "api.retention.runs", op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, Set.of("dryRun"));
      Boolean dryRun = b.bool("dryRun");
      ex.sendJson(200, json, report(retention.run(RepositoryName.of(p.get("name")), dryRun != null && dryRun,
          caller(ex, who))));
    }));
    r.add("GET", PATH, "api.retention", op((ex, p, who) -> {
      RepositoryName name = RepositoryName.of(p.get("name"));
      ex.sendJson(200, json, policy(retention.find(name)
          .orElseThrow(() -> Problem.notFound("repository " + name + " has no pruning policy").failure())));
    }));
    r.add("PUT", PATH, "api.retention", op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, Set.of("include", "exclude", "keepNewest", "olderThan", "criteria",
          "afterPush", "interval", "enabled"));
      Integer keep = b.integer("keepNewest");
      Boolean afterPush = b.bool("afterPush");
      Boolean enabled = b.bool("enabled");
      RetentionService.Settings settings = new RetentionService.Settings(
          b.strings("include", RetentionPolicy.MAX_GLOBS), b.strings("exclude", RetentionPolicy.MAX_GLOBS),
          keep == null ? 0 : keep, b.duration("olderThan"), PolicyDefinition.criteria(b.node("criteria")),
          afterPush == null || afterPush, b.duration("interval"), enabled == null || enabled);
      ex.sendJson(200, json, policy(retention.put(RepositoryName.of(p.get("name")), settings, caller(ex, who))));
    }));
    r.add("DELETE", PATH, "api.retention", op((ex, p, who) -> {
      RepositoryName name = RepositoryName.of(p.get("name"));
      if (!retention.remove(name, caller(ex, who))) {
        throw Problem.notFound("repository " + name + " has no pruning policy").failure();
      }
      ex.sendEmpty(204, 0);
    }));
  }

  private ObjectNode policy(RetentionPolicy p) {
    ObjectNode node = json.createObjectNode().put("repository", p.repository().value());
    p.include().forEach(node.putArray("include")::add);
    p.exclude().forEach(node.putArray("exclude")::add);
    node.put("keepNewest", p.keepNewest());
    node.put("olderThan", p.olderThan() == null ? null : p.olderThan().toString());
    node.set("criteria", PolicyDefinition.criteriaJson(p.criteria(), json));
    node.put("afterPush", p.afterPush()).put("interval", p.interval() == null ? null : p.interval().toString())
        .put("enabled", p.enabled()).put("updatedAt", p.updatedAt().toString()).put("updatedBy", p.updatedBy());
    return node;
  }

  private ObjectNode report(RetentionService.Report report) {
    ObjectNode node = json.createObjectNode().put("repository", report.repository().value())
        .put("dryRun", report.dryRun()).put("at", report.at().toString());
    ObjectNode counts = node.putObject("counts");
    for (RetentionService.Outcome outcome : RetentionService.Outcome.values()) {
      counts.put(wire(outcome), report.count(outcome));
    }
    ArrayNode tags = node.putArray("tags");
    report.tags().forEach(t -> tags.addObject().put("tag", t.tagged().tag().value())
        .put("digest", t.tagged().digest().toString()).put("taggedAt", t.tagged().taggedAt().toString())
        .put("outcome", wire(t.outcome())).put("reason", t.reason()));
    return node;
  }

  private static String wire(RetentionService.Outcome outcome) {
    return switch (outcome) {
      case KEPT -> "kept";
      case PRUNED -> "pruned";
      case WOULD_PRUNE -> "wouldPrune";
      case SKIPPED -> "skipped";
    };
  }

  private static Caller caller(Exchange ex, Principal who) {
    return new Caller(who.subject(), ex.clientAddress(), ex.requestId());
  }
}
