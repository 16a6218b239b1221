package io.portcullis.web.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.auth.Principal;
import io.portcullis.identity.Identity;
import io.portcullis.mirror.cache.Cache;
import io.portcullis.mirror.cache.CacheChange;
import io.portcullis.mirror.cache.CacheService;
import io.portcullis.mirror.cache.CacheUpstream;
import io.portcullis.mirror.upstream.UpstreamClient;
import io.portcullis.shared.Caller;
import io.portcullis.web.Exchange;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code /api/v1/caches}: pull-through caches. A cache is managed by those who may manage its
 * namespace (the user of that name, the organization's admins, system admins): they alone see it,
 * change it and delete it. Upstream passwords go in and never come out.
 */
final class CacheApi {
  private static final Set<String> SETTINGS = Set.of("freshness", "upstreams");
  private static final Set<String> UPSTREAM = Set.of("registry", "prefix", "username", "password");

  private final CacheService caches;
  private final ApiAuthentication authentication;
  private final Identity identity;
  private final ObjectMapper json;

  CacheApi(CacheService caches, ApiAuthentication authentication, Identity identity, ObjectMapper json) {
    this.caches = caches;
    this.authentication = authentication;
    this.identity = identity;
    this.json = json;
  }

  /** The caller must be signed in; cache and argument failures become problems. */
  private Router.Handler op(ApiAuthentication.Operation operation) {
    return authentication.signedInHandler("use caches", operation, MirrorApi::refusal);
  }

  void addRoutes(Router r) {
    r.add("GET", "/caches", "api.caches", op((ex, p, who) -> {
      ObjectNode body = json.createObjectNode();
      ArrayNode items = body.putArray("items");
      caches.list().stream().filter(c -> manages(who, c.namespace())).forEach(c -> items.add(cache(c)));
      ex.sendJson(200, json, body);
    }));
    r.add("POST", "/caches", "api.caches", op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, union(SETTINGS, Set.of("namespace")));
      String namespace = b.requiredString("namespace");
      if (!manages(who, namespace)) {
        throw new Problem(403, "Forbidden", "creating a cache needs the management of namespace " + namespace
            + " (its user, its organization's admins, system admins)").failure();
      }
      Cache created = caches.create(namespace, change(b), caller(ex, who));
      ex.header("Location", ApiV1.PREFIX + "/caches/" + created.id());
      ex.sendJson(201, json, cache(created));
    }));
    r.add("GET", "/caches/{id}", "api.cache", op((ex, p, who) ->
        ex.sendJson(200, json, cache(managed(who, p.get("id"))))));
    r.add("PATCH", "/caches/{id}", "api.cache", op((ex, p, who) -> {
      Cache c = managed(who, p.get("id"));
      JsonBody b = JsonBody.read(ex, json, SETTINGS);
      ex.sendJson(200, json, cache(caches.update(c.id(), change(b), caller(ex, who))));
    }));
    r.add("DELETE", "/caches/{id}", "api.cache", op((ex, p, who) -> {
      Cache c = managed(who, p.get("id"));
      caches.delete(c.id(), caller(ex, who));
      ex.sendEmpty(204, 0);
    }));
  }

  /** The cache, once the caller may manage its namespace; those who may not see it learn nothing. */
  private Cache managed(Principal who, String id) {
    long cacheId;
    try {
      cacheId = Long.parseLong(id);
    } catch (NumberFormatException e) {
      throw Problem.notFound("no cache " + id).failure();
    }
    Cache c = caches.find(cacheId).orElseThrow(() -> Problem.notFound("no cache " + id).failure());
    if (!manages(who, c.namespace())) {
      throw Problem.notFound("no cache " + id).failure();
    }
    return c;
  }

  private boolean manages(Principal who, String namespace) {
    return identity.accessController().canManageNamespace(who, namespace);
  }

  private static Caller caller(Exchange ex, Principal who) {
    return new Caller(who.subject(), ex.clientAddress(), ex.requestId());
  }

  private static CacheChange change(JsonBody b) {
    Duration freshness = null;
    if (b.string("freshness") != null) {
      try {
        freshness = Duration.parse(b.string("freshness"));
      } catch (DateTimeParseException e) {
        throw Problem.badRequest("freshness must be an ISO-8601 duration such as PT10M").failure();
      }
    }
    List<CacheChange.Spec> upstreams = null;
    if (b.has("upstreams")) {
      upstreams = new ArrayList<>();
      for (JsonBody u : b.objects("upstreams", Cache.MAX_UPSTREAMS, UPSTREAM)) {
        String username = u.string("username");
        String password = u.string("password");
        upstreams.add(new CacheChange.Spec(u.requiredString("registry"), u.string("prefix"),
            username == null && password == null ? null : new UpstreamClient.Credentials(username, password)));
      }
    }
    return new CacheChange(freshness, upstreams);
  }

  private ObjectNode cache(Cache c) {
    ObjectNode node = json.createObjectNode();
    node.put("id", c.id());
    node.put("namespace", c.namespace());
    node.put("freshness", c.freshness().toString());
    ArrayNode upstreams = node.putArray("upstreams");
    for (CacheUpstream u : c.upstreams()) {
      ObjectNode up = upstreams.addObject();
      up.put("registry", u.registry());
      up.put("prefix", u.prefix());
      // Whether credentials are set, never what they are.
      up.put("authenticated", u.username() != null);
      up.put("username", u.username());
      up.put("url", u.upstream("x").registry().toString());
    }
    node.put("createdAt", c.createdAt().toString());
    node.put("createdBy", c.createdBy());
    node.put("updatedAt", c.updatedAt().toString());
    return node;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new java.util.HashSet<>(a);
    all.addAll(b);
    return all;
  }
}
