package io.portcullis.web.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.auth.Principal;
import io.portcullis.identity.Identity;
import io.portcullis.quota.NamespaceUsage;
import io.portcullis.quota.Quota;
import io.portcullis.quota.QuotaService;
import io.portcullis.shared.Caller;
import io.portcullis.web.Exchange;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code /api/v1/quotas}: storage quotas per namespace. System administrators set and remove them
 * (a namespace's owners must not raise their own limit); those who manage a namespace see its usage
 * and quota; to anyone else a namespace's usage does not exist (404), as its private repositories.
 */
final class QuotaApi {
  private static final int DEFAULT_PAGE = 100;

  private final QuotaService quotas;
  private final ApiAuthentication authentication;
  private final Identity identity;
  private final ObjectMapper json;

  QuotaApi(QuotaService quotas, ApiAuthentication authentication, Identity identity, ObjectMapper json) {
    this.quotas = quotas;
    this.authentication = authentication;
    this.identity = identity;
    this.json = json;
  }

  private Router.Handler op(ApiAuthentication.Operation operation) {
    return authentication.signedInHandler("use quotas", operation,
        (ex, e, who) -> e instanceof IllegalArgumentException invalid ? Problem.badRequest(invalid.getMessage()).failure()
            : null);
  }

  void addRoutes(Router r) {
    r.add("GET", "/quotas", "api.quotas", op((ex, p, who) -> {
      requireSystemAdmin(who, "listing quotas");
      int limit = ApiV1.intParam(ex, "limit", DEFAULT_PAGE, 1, ApiV1.MAX_PAGE);
      String after = ex.query("after");
      List<NamespaceUsage> page = quotas.list(after, limit);
      ObjectNode body = json.createObjectNode();
      ArrayNode items = body.putArray("items");
      page.forEach(u -> items.add(usage(u)));
      if (page.size() == limit) {
        String next = ApiV1.PREFIX + "/quotas?limit=" + limit + "&after=" + page.getLast().namespace();
        body.put("next", next);
        ex.header("Link", "<" + next + ">; rel=\"next\"");
      }
      ex.sendJson(200, json, body);
    }));
    r.add("GET", "/quotas/{namespace}", "api.quota", op((ex, p, who) -> {
      String namespace = QuotaService.namespace(p.get("namespace"));
      if (!identity.accessController().canManageNamespace(who, namespace)) {
        throw Problem.notFound("no namespace " + namespace + " you manage").failure();
      }
      ex.sendJson(200, json, usage(quotas.usage(namespace)));
    }));
    r.add("PUT", "/quotas/{namespace}", "api.quota", op((ex, p, who) -> {
      requireSystemAdmin(who, "setting a quota");
      String namespace = QuotaService.namespace(p.get("namespace"));
      JsonBody b = JsonBody.read(ex, json, Set.of("limitBytes", "warnPercent"));
      Long limit = b.longValue("limitBytes");
      if (limit == null) {
        throw Problem.badRequest("field 'limitBytes' is required").failure();
      }
      Integer warn = b.integer("warnPercent");
      ex.sendJson(200, json, usage(quotas.set(namespace, limit, warn == null ? Quota.DEFAULT_WARN_PERCENT : warn,
          caller(ex, who))));
    }));
    r.add("DELETE", "/quotas/{namespace}", "api.quota", op((ex, p, who) -> {
      requireSystemAdmin(who, "removing a quota");
      String namespace = QuotaService.namespace(p.get("namespace"));
      if (!quotas.remove(namespace, caller(ex, who))) {
        throw Problem.notFound("namespace " + namespace + " has no quota").failure();
      }
      ex.sendEmpty(204, 0);
    }));
  }

  private void requireSystemAdmin(Principal who, String what) {
    if (!identity.accessController().isSystemAdmin(who)) {
      throw new Problem(403, "Forbidden", what + " is for system administrators").failure();
    }
  }

  private ObjectNode usage(NamespaceUsage u) {
    ObjectNode node = json.createObjectNode().put("namespace", u.namespace()).put("usedBytes", u.usedBytes())
        .put("blobs", u.blobs()).put("state", u.state().name().toLowerCase(Locale.ROOT));
    u.quota().ifPresentOrElse(q -> {
      node.put("limitBytes", q.limitBytes()).put("warnPercent", q.warnPercent()).put("warnAtBytes", q.warnAtBytes())
          .put("updatedAt", q.updatedAt().toString()).put("updatedBy", q.updatedBy());
    }, () -> node.putNull("limitBytes"));
    return node;
  }

  private static Caller caller(Exchange ex, Principal who) {
    return new Caller(who.subject(), ex.clientAddress(), ex.requestId());
  }
}
