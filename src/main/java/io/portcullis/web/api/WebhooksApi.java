package io.portcullis.web.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.events.EventType;
import io.portcullis.web.ErrorModel;
import io.portcullis.web.Exchange;
import io.portcullis.webhooks.Delivery;
import io.portcullis.webhooks.Webhook;
import io.portcullis.webhooks.WebhookEvents;
import io.portcullis.webhooks.WebhookException;
import io.portcullis.shared.Scope;
import io.portcullis.webhooks.Webhooks;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The webhook resources of {@code /api/v1}: webhooks of the registry ({@code /webhooks}), of a namespace
 * ({@code /namespaces/{namespace}/webhooks}) and of a repository ({@code /repositories/{name}/webhooks}),
 * each then addressed by id ({@code /webhooks/{id}}) with its secret rotation, ping and delivery log.
 * Handlers only translate; {@link Webhooks} decides who may do what.
 */
final class WebhooksApi {
  private static final Set<String> FIELDS = Set.of("url", "events", "format", "description", "enabled");

  private final Webhooks webhooks;
  private final ApiAuthentication authentication;
  private final ObjectMapper json;

  WebhooksApi(Webhooks webhooks, ApiAuthentication authentication, ObjectMapper json) {
    this.webhooks = webhooks;
    this.authentication = authentication;
    this.json = json;
  }

  private Router.Handler op(ApiAuthentication.Operation operation) {
    return authentication.handler(operation, (ex, e, who) -> e instanceof WebhookException refused
        ? ApiAuthentication.refused(ex, ErrorModel.status(refused), refused.getMessage(), who) : null);
  }

  /** Adds the routes; the repository ones must come before the repository catch-all. */
  void addRoutes(Router r) {
    scope(r, "/webhooks", "api.webhooks", p -> Scope.GLOBAL);
    scope(r, "/namespaces/{namespace}/webhooks", "api.namespace.webhooks", ApiV1::namespaceScope);
    scope(r, "/repositories/{name...}/webhooks", "api.repository.webhooks", ApiV1::repositoryScope);
    String one = "/webhooks/{id}";
    r.add("GET", one, "api.webhook", op((ex, p, who) -> ex.sendJson(200, json, webhook(webhooks.get(who, id(p))))));
    r.add("PATCH", one, "api.webhook", op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, FIELDS);
      Webhook updated = webhooks.update(who, id(p), new Webhooks.Change(b.string("url"), b.has("events"),
          b.nullableStrings("events", EventType.values().length), b.string("format"), b.has("description"),
          b.string("description"), b.bool("enabled")));
      ex.sendJson(200, json, webhook(updated));
    }));
    r.add("DELETE", one, "api.webhook", op((ex, p, who) -> {
      webhooks.delete(who, id(p));
      ex.sendEmpty(204, 0);
    }));
    r.add("POST", one + "/rotate", "api.webhook.rotate", op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, Set.of("overlap"));
      Webhooks.Issued issued = webhooks.rotate(who, id(p), duration(b.string("overlap")));
      ex.sendJson(200, json, webhook(issued.webhook()).put("secret", issued.secret()));
    }));
    r.add("POST", one + "/ping", "api.webhook.ping", op((ex, p, who) ->
        accepted(ex, webhooks.ping(who, id(p)))));
    r.add("GET", one + "/deliveries", "api.webhook.deliveries", op((ex, p, who) -> {
      long id = id(p);
      int limit = ApiV1.intParam(ex, "limit", 100, 1, ApiV1.MAX_PAGE);
      long before = ApiV1.longParam(ex, "before", 0, 0, Long.MAX_VALUE);
      List<Delivery> page = webhooks.deliveries(who, id, before, limit);
      ObjectNode body = json.createObjectNode();
      ArrayNode items = body.putArray("items");
      page.forEach(d -> items.add(delivery(d)));
      if (page.size() == limit) {
        String next = ApiV1.PREFIX + "/webhooks/" + id + "/deliveries?limit=" + limit + "&before=" + page.getLast().id();
        body.put("next", next);
        ex.header("Link", "<" + next + ">; rel=\"next\"");
      }
      ex.sendJson(200, json, body);
    }));
    r.add("GET", one + "/deliveries/{delivery}", "api.webhook.delivery", op((ex, p, who) ->
        ex.sendJson(200, json, deliveryDetail(webhooks.delivery(who, id(p), deliveryId(p))))));
    r.add("POST", one + "/deliveries/{delivery}/redeliver", "api.webhook.redeliver", op((ex, p, who) ->
        accepted(ex, webhooks.redeliver(who, id(p), deliveryId(p)))));
  }

  private void scope(Router r, String template, String name, Function<Router.Params, Scope> scope) {
    r.add("GET", template, name, op((ex, p, who) -> {
      ObjectNode body = json.createObjectNode();
      ArrayNode items = body.putArray("items");
      webhooks.list(who, scope.apply(p)).forEach(w -> items.add(webhook(w)));
      ex.sendJson(200, json, body);
    }));
    r.add("POST", template, name, op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, FIELDS);
      Boolean enabled = b.bool("enabled");
      Webhooks.Issued issued = webhooks.create(who, scope.apply(p), b.requiredString("url"),
          b.nullableStrings("events", EventType.values().length), b.string("format"), b.string("description"),
          enabled == null || enabled);
      ex.header("Location", ApiV1.PREFIX + "/webhooks/" + issued.webhook().id());
      ex.sendJson(201, json, webhook(issued.webhook()).put("secret", issued.secret()));
    }));
  }

  private void accepted(Exchange ex, Delivery delivery) throws IOException {
    ex.header("Location", ApiV1.PREFIX + "/webhooks/" + delivery.webhookId() + "/deliveries/" + delivery.id());
    ex.sendJson(202, json, delivery(delivery));
  }

  private static long id(Router.Params p) {
    return number(p.get("id"), "no webhook ");
  }

  private static long deliveryId(Router.Params p) {
    return number(p.get("delivery"), "no delivery ");
  }

  private static long number(String text, String missing) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw Problem.notFound(missing + text).failure();
    }
  }

  private static Duration duration(String text) {
    if (text == null) {
      return null;
    }
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw Problem.badRequest("overlap must be an ISO-8601 duration such as PT1H or PT0S").failure();
    }
  }

  // ---- representations

  private ObjectNode webhook(Webhook w) {
    ObjectNode node = json.createObjectNode().put("id", w.id()).put("scope", w.scope().kind().wireName());
    if (w.scope().kind() == Scope.Kind.GLOBAL) {
      node.putNull("scopeName");
    } else {
      node.put("scopeName", w.scope().name());
    }
    node.put("url", w.url());
    if (w.events() == null) {
      node.putNull("events");
    } else {
      ArrayNode types = node.putArray("events");
      w.events().stream().map(EventType::wireName).sorted().forEach(types::add);
    }
    node.put("format", w.format().wireName()).put("description", w.description()).put("enabled", w.enabled())
        .put("disabledReason", w.disabledReason());
    time(node, "disabledAt", w.disabledAt());
    node.put("consecutiveFailures", w.consecutiveFailures());
    time(node, "failingSince", w.failingSince());
    time(node, "lastSuccessAt", w.lastSuccessAt());
    time(node, "previousSecretExpiresAt", w.previousSecretExpiresAt());
    node.put("createdBy", w.createdBy());
    time(node, "createdAt", w.createdAt());
    time(node, "updatedAt", w.updatedAt());
    return node;
  }

  private ObjectNode delivery(Delivery d) {
    ObjectNode node = json.createObjectNode().put("id", d.id()).put("webhookId", d.webhookId());
    if (d.eventId() == null) {
      node.putNull("eventId");
    } else {
      node.put("eventId", d.eventId());
    }
    node.put("type", d.type()).put("ping", WebhookEvents.PING.equals(d.type())).put("state", d.state().wireName())
        .put("attempts", d.attempts());
    time(node, "createdAt", d.createdAt());
    time(node, "lastAttemptAt", d.lastAttemptAt());
    time(node, "nextAttemptAt", d.state() == Delivery.State.PENDING ? d.nextAttemptAt() : null);
    time(node, "finishedAt", d.finishedAt());
    if (d.redeliveryOf() == null) {
      node.putNull("redeliveryOf");
    } else {
      node.put("redeliveryOf", d.redeliveryOf());
    }
    if (d.responseStatus() == null) {
      node.putNull("responseStatus");
    } else {
      node.put("responseStatus", d.responseStatus());
    }
    if (d.durationMillis() == null) {
      node.putNull("durationMs");
    } else {
      node.put("durationMs", d.durationMillis());
    }
    node.put("error", d.error());
    return node;
  }

  private ObjectNode deliveryDetail(Delivery d) {
    ObjectNode node = delivery(d);
    ObjectNode request = node.putObject("request");
    request.set("headers", json.valueToTree(new TreeMap<>(d.requestHeaders())));
    request.put("body", d.requestBody());
    ObjectNode response = node.putObject("response");
    if (d.responseStatus() == null) {
      response.putNull("status");
    } else {
      response.put("status", d.responseStatus());
    }
    response.put("bodyHead", d.responseBody());
    return node;
  }

  private static void time(ObjectNode node, String field, Instant value) {
    if (value == null) {
      node.putNull(field);
    } else {
      node.put(field, value.toString());
    }
  }
}
