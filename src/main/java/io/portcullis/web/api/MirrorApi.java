package io.portcullis.web.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.auth.AccessController;
import io.portcullis.auth.Principal;
import io.portcullis.mirror.Mirror;
import io.portcullis.mirror.MirrorChange;
import io.portcullis.mirror.MirrorException;
import io.portcullis.mirror.MirrorRun;
import io.portcullis.mirror.MirrorService;
import io.portcullis.mirror.PlatformFilter;
import io.portcullis.mirror.TagFilter;
import io.portcullis.mirror.TagTemplate;
import io.portcullis.mirror.upstream.Upstream;
import io.portcullis.mirror.upstream.UpstreamClient;
import io.portcullis.shared.Caller;
import io.portcullis.shared.RepositoryName;
import io.portcullis.web.ErrorModel;
import io.portcullis.web.Exchange;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * {@code /api/v1/mirrors}: pull and push mirrors and their runs. A mirror is managed by those who may
 * manage its local repository (the {@code *} action: its namespace's owner, organization admins,
 * system admins), a namespace mirror by those who may manage its local namespace: they alone see it,
 * change it and run it. Remote passwords go in and never come out.
 */
final class MirrorApi {
  private static final int MAX_GLOBS = 64;
  private static final int MAX_PLATFORMS = 32;
  private static final int DEFAULT_PAGE = 100;
  private static final Set<String> SETTINGS = Set.of("registry", "repository", "namespace", "repositories",
      "interval", "enabled", "include", "exclude", "regex", "semver", "newest", "platforms", "tagTemplate", "username",
      "password");

  private final MirrorService mirrors;
  private final ApiAuthentication authentication;
  private final AccessController access;
  private final BiPredicate<Principal, String> managesNamespace;
  private final ObjectMapper json;

  /** @param managesNamespace whether a principal may manage everything in a namespace (a namespace mirror's) */
  MirrorApi(MirrorService mirrors, ApiAuthentication authentication, AccessController access,
      BiPredicate<Principal, String> managesNamespace, ObjectMapper json) {
    this.mirrors = mirrors;
    this.authentication = authentication;
    this.access = access;
    this.managesNamespace = managesNamespace;
    this.json = json;
  }

  /** The caller must be signed in; mirror and argument failures become problems. */
  private Router.Handler op(ApiAuthentication.Operation operation) {
    return authentication.signedInHandler("use mirrors", operation, MirrorApi::refusal);
  }

  /** Mirroring refusals (of mirrors and caches) and bad arguments as problems; null for anything else. */
  static Problem.Failure refusal(Exchange ex, RuntimeException e, Principal who) {
    return switch (e) {
      case MirrorException refused -> Problem.of(ErrorModel.status(refused), refused.getMessage()).failure();
      case IllegalArgumentException invalid -> Problem.badRequest(invalid.getMessage()).failure();
      default -> null;
    };
  }

  void addRoutes(Router r) {
    r.add("GET", "/mirrors", "api.mirrors", op((ex, p, who) -> {
      long after = ApiV1.longParam(ex, "after", 0, 0, Long.MAX_VALUE);
      int limit = ApiV1.intParam(ex, "limit", DEFAULT_PAGE, 1, ApiV1.MAX_PAGE);
      ObjectNode body = json.createObjectNode();
      ArrayNode items = body.putArray("items");
      // Filtered after fetching, page by page, so that a page holds up to limit mirrors the caller manages.
      long cursor = after;
      boolean more = true;
      while (items.size() < limit && more) {
        List<Mirror> page = mirrors.list(cursor, limit);
        more = page.size() == limit;
        for (Mirror m : page) {
          cursor = m.id();
          if (manages(who, m)) {
            items.add(mirror(m));
            if (items.size() == limit) {
              break;
            }
          }
        }
      }
      if (items.size() == limit && more) {
        String next = ApiV1.PREFIX + "/mirrors?limit=" + limit + "&after=" + cursor;
        body.put("next", next);
        ex.header("Link", "<" + next + ">; rel=\"next\"");
      }
      ex.sendJson(200, json, body);
    }));
    r.add("POST", "/mirrors", "api.mirrors", op((ex, p, who) -> {
      JsonBody b = JsonBody.read(ex, json, union(SETTINGS, Set.of("target", "source", "direction")));
      Mirror.Direction direction = Mirror.Direction.fromWireName(b.string("direction") == null ? "pull"
          : b.string("direction"));
      boolean push = direction == Mirror.Direction.PUSH;
      // A push mirror's local repository is where it copies from: its "source", never a "target".
      if (b.has(push ? "target" : "source")) {
        throw Problem.badRequest(push ? "a push mirror names its local repository as source, not target"
            : "a pull mirror names its local repository as target, not source").failure();
      }
      String local = b.requiredString(push ? "source" : "target");
      boolean namespace = b.has("namespace");
      if (!RepositoryName.isValid(local)) {
        throw Problem.badRequest((push ? "source '" : "target '") + local + "' is not a "
            + (namespace ? "namespace" : "repository") + " name").failure();
      }
      RepositoryName name = RepositoryName.of(local);
      if (namespace ? !managesNamespace.test(who, name.namespace()) : !manages(who, name)) {
        throw new Problem(403, "Forbidden", namespace ? "creating a namespace mirror needs the management of "
            + "namespace " + name.namespace() : "creating a mirror needs admin (*) on repository " + name).failure();
      }
      Mirror created = mirrors.create(direction, namespace, name, change(b, null, namespace), caller(ex, who));
      ex.header("Location", ApiV1.PREFIX + "/mirrors/" + created.id());
      ex.sendJson(201, json, mirror(created));
    }));
    r.add("GET", "/mirrors/{id}/runs/{run}", "api.mirror.run", op((ex, p, who) -> {
      Mirror m = managed(ex, who, p.get("id"));
      long runId = id(p.get("run"), "run");
      ex.sendJson(200, json, run(mirrors.run(m.id(), runId)
          .orElseThrow(() -> Problem.notFound("no run " + p.get("run") + " of mirror " + m.id()).failure())));
    }));
    r.add("GET", "/mirrors/{id}/runs", "api.mirror.runs", op((ex, p, who) -> {
      Mirror m = managed(ex, who, p.get("id"));
      long before = ApiV1.longParam(ex, "before", 0, 0, Long.MAX_VALUE);
      int limit = ApiV1.intParam(ex, "limit", DEFAULT_PAGE, 1, ApiV1.MAX_PAGE);
      List<MirrorRun> runs = mirrors.runs(m.id(), before, limit);
      ObjectNode body = json.createObjectNode();
      ArrayNode items = body.putArray("items");
      runs.forEach(run -> items.add(run(run)));
      if (runs.size() == limit) {
        String next = ApiV1.PREFIX + "/mirrors/" + m.id() + "/runs?limit=" + limit + "&before=" + runs.getLast().id();
        body.put("next", next);
        ex.header("Link", "<" + next + ">; rel=\"next\"");
      }
      ex.sendJson(200, json, body);
    }));
    r.add("POST", "/mirrors/{id}/runs", "api.mirror.runs", op((ex, p, who) -> {
      Mirror m = managed(ex, who, p.get("id"));
      long job = mirrors.runNow(m.id());
      ex.sendJson(202, json, json.createObjectNode().put("mirror", m.id()).put("job", job));
    }));
    r.add("GET", "/mirrors/{id}", "api.mirror", op((ex, p, who) ->
        ex.sendJson(200, json, mirror(managed(ex, who, p.get("id"))))));
    r.add("PATCH", "/mirrors/{id}", "api.mirror", op((ex, p, who) -> {
      Mirror m = managed(ex, who, p.get("id"));
      JsonBody b = JsonBody.read(ex, json, SETTINGS);
      ex.sendJson(200, json, mirror(mirrors.update(m.id(), change(b, m, m.namespace()), caller(ex, who))));
    }));
    r.add("DELETE", "/mirrors/{id}", "api.mirror", op((ex, p, who) -> {
      Mirror m = managed(ex, who, p.get("id"));
      mirrors.delete(m.id(), caller(ex, who));
      ex.sendEmpty(204, 0);
    }));
  }

  /** The mirror, once the caller may manage its target; those who may not see it learn nothing. */
  private Mirror managed(Exchange ex, Principal who, String id) {
    long mirrorId = id(id, "mirror");
    Mirror m = mirrors.find(mirrorId).orElseThrow(() -> Problem.notFound("no mirror " + id).failure());
    if (!manages(who, m)) {
      throw Problem.notFound("no mirror " + id).failure();
    }
    return m;
  }

  private boolean manages(Principal who, Mirror m) {
    return m.namespace() ? managesNamespace.test(who, m.target().namespace()) : manages(who, m.target());
  }

  private boolean manages(Principal who, RepositoryName target) {
    return ApiAuthentication.managesRepository(access, who, target);
  }

  private static long id(String text, String what) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw Problem.notFound("no " + what + " " + text).failure();
    }
  }

  private static Caller caller(Exchange ex, Principal who) {
    return new Caller(who.subject(), ex.clientAddress(), ex.requestId());
  }

  /**
   * The settings a body names over {@code current} (null when creating); absent fields stay as they
   * are. A namespace mirror names its upstream {@code namespace}, the others a {@code repository}.
   */
  private static MirrorChange change(JsonBody b, Mirror current, boolean namespace) {
    if (b.has(namespace ? "repository" : "namespace") || (!namespace && b.has("repositories"))) {
      throw Problem.badRequest(namespace ? "a namespace mirror names an upstream namespace, not a repository"
          : "namespace and repositories apply to namespace mirrors, created with a namespace").failure();
    }
    Duration interval = b.duration("interval");
    TagFilter tags = null;
    if (b.has("include") || b.has("exclude") || b.has("regex") || b.has("semver") || b.has("newest")) {
      TagFilter base = current == null ? TagFilter.ALL : current.tags();
      Integer newest = b.integer("newest");
      tags = new TagFilter(b.has("include") ? b.strings("include", MAX_GLOBS) : base.include(),
          b.has("exclude") ? b.strings("exclude", MAX_GLOBS) : base.exclude(),
          b.has("regex") ? b.string("regex") : base.regex(), b.has("semver") ? b.string("semver") : base.semver(),
          b.has("newest") ? (newest == null ? 0 : newest) : base.newest());
    }
    PlatformFilter platforms = b.has("platforms") ? new PlatformFilter(b.strings("platforms", MAX_PLATFORMS)) : null;
    TagTemplate template = b.has("tagTemplate") ? new TagTemplate(b.string("tagTemplate")) : null;
    boolean replacesCredentials = b.has("username") || b.has("password");
    UpstreamClient.Credentials credentials = null;
    if (b.string("username") != null || b.string("password") != null) {
      credentials = new UpstreamClient.Credentials(b.string("username"), b.string("password"));
    }
    return new MirrorChange(b.string("registry"), b.string(namespace ? "namespace" : "repository"),
        b.has("repositories") && b.string("repositories") == null ? "" : b.string("repositories"), interval,
        b.bool("enabled"), tags, platforms, template, replacesCredentials, credentials);
  }

  private ObjectNode mirror(Mirror m) {
    ObjectNode node = json.createObjectNode();
    node.put("id", m.id());
    node.put("direction", m.direction().wireName());
    node.put("target", m.target().value());
    if (m.isPush()) {
      node.put("source", m.target().value());
    }
    node.put("registry", m.registry());
    if (m.namespace()) {
      node.put("namespace", m.repository());
      node.put("repositories", m.repositoryFilter());
    } else {
      node.put("repository", m.repository());
    }
    Upstream upstream = m.upstream();
    node.putObject("upstream").put("url", upstream.registry().toString()).put("repository", upstream.repository());
    node.put("interval", m.interval().toString());
    node.put("enabled", m.enabled());
    node.set("include", json.valueToTree(m.tags().include()));
    node.set("exclude", json.valueToTree(m.tags().exclude()));
    node.put("regex", m.tags().regex());
    node.put("semver", m.tags().semver());
    node.put("newest", m.tags().newest());
    node.set("platforms", json.valueToTree(m.platforms().platforms()));
    node.put("tagTemplate", m.tagTemplate().template());
    // Whether credentials are set, never what they are.
    node.put("authenticated", m.username() != null);
    node.put("createdAt", m.createdAt().toString());
    node.put("createdBy", m.createdBy());
    node.put("updatedAt", m.updatedAt().toString());
    return node;
  }

  private ObjectNode run(MirrorRun r) {
    ObjectNode node = json.createObjectNode();
    node.put("id", r.id());
    node.put("mirror", r.mirrorId());
    node.put("job", r.jobId());
    node.put("state", r.state());
    node.put("startedAt", r.startedAt().toString());
    IdentityApi.time(node, "finishedAt", r.finishedAt());
    IdentityApi.time(node, "waitingUntil", r.waitingUntil());
    Instant end = r.finishedAt() == null ? Instant.now() : r.finishedAt();
    node.put("durationMs", Math.max(0, Duration.between(r.startedAt(), end).toMillis()));
    MirrorRun.Counts c = r.counts();
    node.putObject("tags").put("seen", c.seen()).put("selected", c.selected()).put("added", c.added())
        .put("updated", c.updated()).put("unchanged", c.unchanged()).put("failed", c.failed());
    node.put("repositories", c.repositories());
    node.put("blobsMounted", c.mounted());
    node.put("bytes", c.bytes());
    node.put("requests", c.requests());
    if (r.budget() == null) {
      node.putNull("rateLimit");
    } else {
      node.putObject("rateLimit").put("limit", r.budget().limit()).put("remaining", r.budget().remaining());
    }
    node.put("message", r.message());
    return node;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }
}
