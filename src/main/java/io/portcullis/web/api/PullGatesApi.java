package io.portcullis.web.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.policy.gate.AllowlistEntry;
import io.portcullis.policy.gate.Exemptions;
import io.portcullis.policy.gate.GateException;
import io.portcullis.shared.Scope;
import io.portcullis.policy.gate.PullGate;
import io.portcullis.policy.gate.PullGates;
import io.portcullis.scan.severity.SeverityBucket;
import io.portcullis.web.ErrorModel;
import java.time.Clock;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Pull gates ({@code /pull-gate} of the registry, {@code /namespaces/{namespace}/pull-gate},
 * {@code /repositories/{name}/pull-gate}) and CVE allowlists ({@code …/cve-allowlist}, entries then
 * addressed as {@code /cve-allowlist/{id}}). Handlers only translate; {@link PullGates} and
 * {@link Exemptions} decide who may do what.
 */
final class PullGatesApi {
  private static final Set<String> GATE_FIELDS = Set.of("minSeverity", "refuseUnscanned");
  private static final Set<String> ENTRY_FIELDS = Set.of("vulnerabilityId", "package", "expiresAt", "justification");

  private final PullGates gates;
  private final Exemptions exemptions;
  private final ApiAuthentication authentication;
  private final ObjectMapper json;
  private final Clock clock;

  PullGatesApi(PullGates gates, Exemptions exemptions, ApiAuthentication authentication, ObjectMapper json, Clock clock) {
    this.gates = gates;
    this.exemptions = exemptions;
    this.authentication = authentication;
    this.json = json;
    this.clock = clock;
  }

  private Router.Handler op(ApiAuthentication.Operation operation) {
    return authentication.handler(operation, (ex, e, who) -> e instanceof GateException refused
        ? ApiAuthentication.refused(ex, ErrorModel.status(refused), refused.getMessage(), who) : null);
  }

  /** Adds the routes; the repository ones must come before the repository catch-all. */
  void addRoutes(Router r) {
    scope(r, "", "api.pull_gate", "api.cve_allowlist", p -> Scope.GLOBAL);
    scope(r, "/namespaces/{namespace}", "api.namespace.pull_gate", "api.namespace.cve_allowlist",
        ApiV1::namespaceScope);
    scope(r, "/repositories/{name...}", "api.repository.pull_gate", "api.repository.cve_allowlist",
        ApiV1::repositoryScope);
    r.add("GET", "/cve-allowlist/{id}", "api.cve_allowlist.entry",
        op((ex, p, who) -> ex.sendJson(200, json, entry(exemptions.get(who, id(p))))));
    r.add("DELETE", "/cve-allowlist/{id}", "api.cve_allowlist.entry", op((ex, p, who) -> {
      exemptions.remove(who, id(p));
      ex.sendEmpty(204, 0);
    }));
  }

  private void scope(Router r, String prefix, String gateName, String listName, Function<Router.Params, Scope> scope) {
    String gate = prefix + "/pull-gate";
    r.add("GET", gate, gateName, op((ex, p, who) -> {
      Scope s = scope.apply(p);
      ex.sendJson(200, json, gate(gates.get(who, s).orElseThrow(() ->
          Problem.notFound(Exemptions.describe(s) + " has no pull gate").failure())));
    }));
    r.add("PUT", gate, gateName, op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, GATE_FIELDS);
      Boolean refuseUnscanned = b.bool("refuseUnscanned");
      ex.sendJson(200, json, gate(gates.set(who, scope.apply(p), severity(b.string("minSeverity")),
          refuseUnscanned != null && refuseUnscanned)));
    }));
    r.add("DELETE", gate, gateName, op((ex, p, who) -> {
      gates.delete(who, scope.apply(p));
      ex.sendEmpty(204, 0);
    }));
    String list = prefix + "/cve-allowlist";
    r.add("GET", list, listName, op((ex, p, who) -> {
      ObjectNode body = json.createObjectNode();
      ArrayNode items = body.putArray("items");
      exemptions.list(who, scope.apply(p)).forEach(e -> items.add(entry(e)));
      ex.sendJson(200, json, body);
    }));
    r.add("POST", list, listName, op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, ENTRY_FIELDS);
      AllowlistEntry created = exemptions.add(who, scope.apply(p), new Exemptions.NewEntry(
          b.requiredString("vulnerabilityId"), b.string("package"), b.instant("expiresAt"), b.string("justification")));
      ex.header("Location", ApiV1.PREFIX + "/cve-allowlist/" + created.id());
      ex.sendJson(201, json, entry(created));
    }));
  }

  private static SeverityBucket severity(String text) {
    if (text == null) {
      return null;
    }
    try {
      return SeverityBucket.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest("minSeverity must be critical, major or minor (or null)").failure();
    }
  }

  private static long id(Router.Params p) {
    try {
      return Long.parseLong(p.get("id"));
    } catch (NumberFormatException e) {
      throw Problem.notFound("no allowlist entry " + p.get("id")).failure();
    }
  }

  private void scope(ObjectNode node, Scope scope) {
    node.put("scope", scope.kind().wireName());
    if (scope.kind() == Scope.Kind.GLOBAL) {
      node.putNull("scopeName");
    } else {
      node.put("scopeName", scope.name());
    }
  }

  ObjectNode gate(PullGate g) {
    ObjectNode node = json.createObjectNode();
    scope(node, g.scope());
    node.put("minSeverity", g.minSeverity() == null ? null : g.minSeverity().name().toLowerCase(Locale.ROOT));
    node.put("refuseUnscanned", g.refuseUnscanned());
    node.put("updatedBy", g.updatedBy());
    node.put("updatedAt", g.updatedAt().toString());
    return node;
  }

  private ObjectNode entry(AllowlistEntry e) {
    ObjectNode node = json.createObjectNode().put("id", e.id());
    scope(node, e.scope());
    node.put("vulnerabilityId", e.vulnerabilityId());
    node.put("package", e.packageName());
    node.put("expiresAt", e.expiresAt().toString());
    node.put("expired", e.expired(clock.instant()));
    node.put("justification", e.justification());
    node.put("createdBy", e.createdBy());
    node.put("createdAt", e.createdAt().toString());
    return node;
  }
}
