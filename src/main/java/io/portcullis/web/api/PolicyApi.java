package io.portcullis.web.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.auth.Principal;
import io.portcullis.policy.Decision;
import io.portcullis.policy.PolicyDefinition;
import io.portcullis.policy.PolicyException;
import io.portcullis.policy.PolicyPermissions;
import io.portcullis.policy.PolicyService;
import io.portcullis.policy.Promotion;
import io.portcullis.policy.PromotionPolicy;
import io.portcullis.policy.TagTemplate;
import io.portcullis.repository.ImmutabilityRule;
import io.portcullis.repository.RepositoryException;
import io.portcullis.repository.RepositoryService;
import io.portcullis.shared.Caller;
import io.portcullis.shared.RepositoryScope;
import io.portcullis.web.ErrorModel;
import io.portcullis.web.Exchange;
import java.util.List;
import java.util.Set;

/**
 * {@code /api/v1/policies} (promotion policies, their dry runs, applications and promotion records) and
 * {@code /api/v1/immutability-rules}. Both are managed by those who manage their scope: a repository's
 * admins, or a namespace's owner and organization admins for a namespace pattern; others do not see them.
 */
final class PolicyApi {
  private static final Set<String> FIELDS = Set.of("name", "source", "position", "enabled", "criteria", "target",
      "tagTemplate", "referrers");

  private final PolicyService policies;
  private final RepositoryService repositories;
  private final PolicyPermissions permissions;
  private final ApiAuthentication authentication;
  private final ObjectMapper json;

  PolicyApi(PolicyService policies, RepositoryService repositories, PolicyPermissions permissions,
      ApiAuthentication authentication, ObjectMapper json) {
    this.policies = policies;
    this.repositories = repositories;
    this.permissions = permissions;
    this.authentication = authentication;
    this.json = json;
  }

  private Router.Handler op(ApiAuthentication.Operation operation) {
    return authentication.handler((ex, p, who) -> {
      if (who.kind() == Principal.Kind.ANONYMOUS) {
        throw ApiAuthentication.unauthorized(ex, "sign in to use policies");
      }
      operation.run(ex, p, who);
    }, (ex, e, who) -> switch (e) {
      case PolicyException refused -> ApiAuthentication.refused(ex, ErrorModel.status(refused), refused.getMessage(), who);
      case RepositoryException refused -> Problem.of(ErrorModel.status(refused), refused.getMessage()).failure();
      case IllegalArgumentException invalid -> Problem.badRequest(invalid.getMessage()).failure();
      default -> null;
    });
  }

  void addRoutes(Router r) {
    r.add("GET", "/policies", "api.policies", op((ex, p, who) -> {
      String source = ex.query("source");
      ObjectNode body = json.createObjectNode();
      ArrayNode items = body.putArray("items");
      policies.list(who).stream().filter(policy -> source == null || policy.source().value().equals(source))
          .forEach(policy -> items.add(policy(policy)));
      ex.sendJson(200, json, body);
    }));
    r.add("POST", "/policies", "api.policies", op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, FIELDS);
      RepositoryScope source = new RepositoryScope(b.requiredString("source"));
      PromotionPolicy created = policies.create(who, caller(ex, who), source, b.requiredString("name"),
          b.integer("position"), !Boolean.FALSE.equals(b.bool("enabled")), definition(b, null));
      ex.header("Location", ApiV1.PREFIX + "/policies/" + created.id());
      ex.sendJson(201, json, policy(created));
    }));
    r.add("POST", "/policies/{id}/apply", "api.policy.apply", op((ex, p, who) -> {
      String dryRun = ex.query("dryRun");
      if (dryRun != null && !dryRun.equals("true") && !dryRun.equals("false")) {
        throw Problem.badRequest("dryRun must be true or false").failure();
      }
      boolean dry = "true".equals(dryRun);
      List<Decision> decisions = policies.apply(who, id(p), dry);
      ObjectNode body = json.createObjectNode().put("policy", id(p)).put("dryRun", dry);
      ArrayNode items = body.putArray("items");
      decisions.forEach(d -> items.add(decision(d)));
      ex.sendJson(200, json, body);
    }));
    r.add("GET", "/policies/{id}/promotions", "api.policy.promotions", op((ex, p, who) -> {
      int limit = ApiV1.intParam(ex, "limit", 100, 1, ApiV1.MAX_PAGE);
      long before = ApiV1.longParam(ex, "before", 0, 0, Long.MAX_VALUE);
      List<Promotion> page = policies.promotions(who, id(p), before, limit);
      ObjectNode body = json.createObjectNode();
      ArrayNode items = body.putArray("items");
      page.forEach(promotion -> items.add(promotion(promotion)));
      if (page.size() == limit) {
        String next = ApiV1.PREFIX + "/policies/" + id(p) + "/promotions?limit=" + limit + "&before=" + page.getLast().id();
        body.put("next", next);
        ex.header("Link", "<" + next + ">; rel=\"next\"");
      }
      ex.sendJson(200, json, body);
    }));
    r.add("GET", "/policies/{id}", "api.policy", op((ex, p, who) -> ex.sendJson(200, json, policy(policies.get(who, id(p))))));
    r.add("PATCH", "/policies/{id}", "api.policy", op((ex, p, who) -> {
      PromotionPolicy current = policies.get(who, id(p));
      JsonBody b = JsonBody.read(ex, json, FIELDS);
      if (b.has("source") && !current.source().value().equals(b.string("source"))) {
        throw Problem.badRequest("a policy's source cannot change; create a policy on the other source").failure();
      }
      Integer position = b.integer("position");
      Boolean enabled = b.bool("enabled");
      PromotionPolicy changed = policies.update(who, caller(ex, who), current.id(),
          b.has("name") ? b.string("name") : current.name(), position == null ? current.position() : position,
          enabled == null ? current.enabled() : enabled, definition(b, current.definition()));
      ex.sendJson(200, json, policy(changed));
    }));
    r.add("DELETE", "/policies/{id}", "api.policy", op((ex, p, who) -> {
      policies.delete(who, caller(ex, who), id(p));
      ex.sendEmpty(204, 0);
    }));

    r.add("GET", "/immutability-rules", "api.immutability_rules", op((ex, p, who) -> {
      ObjectNode body = json.createObjectNode();
      ArrayNode items = body.putArray("items");
      repositories.immutabilityRules().stream().filter(rule -> permissions.mayManage(who, rule.scope()))
          .forEach(rule -> items.add(rule(rule)));
      ex.sendJson(200, json, body);
    }));
    r.add("POST", "/immutability-rules", "api.immutability_rules", op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, Set.of("scope", "pattern"));
      RepositoryScope scope = new RepositoryScope(b.requiredString("scope"));
      if (!permissions.mayManage(who, scope)) {
        throw ApiAuthentication.refused(ex, 403, "adding immutability rules to " + scope + " needs admin on it", who);
      }
      ImmutabilityRule rule = repositories.addImmutabilityRule(scope, b.requiredString("pattern"), caller(ex, who));
      ex.header("Location", ApiV1.PREFIX + "/immutability-rules/" + rule.id());
      ex.sendJson(201, json, rule(rule));
    }));
    r.add("GET", "/immutability-rules/{id}", "api.immutability_rule",
        op((ex, p, who) -> ex.sendJson(200, json, rule(managedRule(who, p)))));
    r.add("DELETE", "/immutability-rules/{id}", "api.immutability_rule", op((ex, p, who) -> {
      repositories.removeImmutabilityRule(managedRule(who, p).id(), caller(ex, who));
      ex.sendEmpty(204, 0);
    }));
  }

  private ImmutabilityRule managedRule(Principal who, Router.Params p) {
    return repositories.immutabilityRule(id(p)).filter(rule -> permissions.mayManage(who, rule.scope()))
        .orElseThrow(() -> Problem.notFound("no immutability rule " + p.get("id")).failure());
  }

  /** The definition a body gives over {@code current} (null when creating); absent fields stay as they are. */
  private static PolicyDefinition definition(JsonBody b, PolicyDefinition current) {
    String target = b.has("target") ? b.string("target") : current == null ? b.requiredString("target") : current.target();
    TagTemplate template = b.has("tagTemplate") ? new TagTemplate(b.string("tagTemplate"))
        : current == null ? TagTemplate.SAME : current.tagTemplate();
    Boolean referrers = b.bool("referrers");
    return new PolicyDefinition(b.has("criteria") || current == null ? PolicyDefinition.criteria(b.node("criteria"))
        : current.criteria(), target, template, referrers != null ? referrers : current != null && current.referrers());
  }

  private static long id(Router.Params p) {
    try {
      return Long.parseLong(p.get("id"));
    } catch (NumberFormatException e) {
      throw Problem.notFound("no " + p.get("id")).failure();
    }
  }

  private static Caller caller(Exchange ex, Principal who) {
    return new Caller(who.subject(), ex.clientAddress(), ex.requestId());
  }

  private ObjectNode policy(PromotionPolicy p) {
    ObjectNode node = json.createObjectNode();
    node.put("id", p.id());
    node.put("name", p.name());
    node.put("source", p.source().value());
    node.put("position", p.position());
    node.put("enabled", p.enabled());
    node.set("criteria", p.definition().criteriaJson(json));
    node.put("target", p.definition().target());
    node.put("tagTemplate", p.definition().tagTemplate().template());
    node.put("referrers", p.definition().referrers());
    node.put("needsScan", p.definition().needsScan());
    node.put("owner", p.owner().subject());
    node.put("createdAt", p.createdAt().toString());
    node.put("updatedAt", p.updatedAt().toString());
    return node;
  }

  private ObjectNode decision(Decision d) {
    ObjectNode node = json.createObjectNode();
    node.put("repository", d.repository().value());
    node.put("tag", d.tag().value());
    node.put("digest", d.digest() == null ? null : d.digest().toString());
    node.put("target", d.target() == null ? null : d.target().value());
    node.put("targetTag", d.targetTag() == null ? null : d.targetTag().value());
    node.put("outcome", d.outcome().wireName());
    node.set("reasons", json.valueToTree(d.reasons()));
    return node;
  }

  private ObjectNode promotion(Promotion p) {
    ObjectNode node = json.createObjectNode();
    node.put("id", p.id());
    node.put("policy", p.policyId());
    node.put("repository", p.source().value());
    node.put("tag", p.sourceTag().value());
    node.put("digest", p.digest().toString());
    node.put("target", p.target().value());
    node.put("targetTag", p.targetTag().value());
    node.put("state", p.state().name().toLowerCase(java.util.Locale.ROOT));
    node.put("reason", p.reason());
    node.put("at", p.at().toString());
    return node;
  }

  private ObjectNode rule(ImmutabilityRule rule) {
    return json.createObjectNode().put("id", rule.id()).put("scope", rule.scope().value()).put("pattern", rule.pattern())
        .put("createdAt", rule.createdAt().toString()).put("createdBy", rule.createdBy());
  }
}
