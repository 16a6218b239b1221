package io.portcullis.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.auth.AccessController;
import io.portcullis.auth.Action;
import io.portcullis.auth.Principal;
import io.portcullis.auth.ResourceScope;
import io.portcullis.auth.ResourceType;
import io.portcullis.auth.login.LoginGuard;
import io.portcullis.auth.token.TokenService;
import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventQuery;
import io.portcullis.events.EventType;
import io.portcullis.gc.GcService;
import io.portcullis.identity.Identity;
import io.portcullis.jobs.Job;
import io.portcullis.jobs.JobQueue;
import io.portcullis.jobs.Scheduler;
import io.portcullis.mirror.MirrorService;
import io.portcullis.policy.gate.EffectiveFindings;
import io.portcullis.policy.gate.Exemptions;
import io.portcullis.policy.gate.PullGates;
import io.portcullis.policy.PolicyPermissions;
import io.portcullis.policy.PolicyService;
import io.portcullis.repository.RepositoryService;
import io.portcullis.mirror.cache.CacheService;
import io.portcullis.quota.QuotaService;
import io.portcullis.retention.RetentionService;
import io.portcullis.registry.ManifestService;
import io.portcullis.scan.ImageScan;
import io.portcullis.scan.SbomExporter;
import io.portcullis.scan.ScanService;
import io.portcullis.scan.Scanning;
import io.portcullis.scan.VulnerabilityDatabase;
import io.portcullis.scan.inventory.ImageInventory;
import io.portcullis.scan.inventory.InstalledPackage;
import io.portcullis.scan.match.Finding;
import io.portcullis.scan.match.SeverityCounts;
import io.portcullis.scan.severity.SeverityBucket;
import io.portcullis.shared.Caller;
import io.portcullis.shared.MediaTypes;
import io.portcullis.shared.RegistryException;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.Scope;
import io.portcullis.web.ErrorModel;
import io.portcullis.web.Exchange;
import io.portcullis.webhooks.Webhooks;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The REST API under {@code /api/v1}: JSON in and out, RFC 9457 problems for errors, authenticated by
 * a registry bearer token or basic credentials; repository resources need the same permissions as
 * the registry API (pull to read, push to change). Routes are declared in one {@link Router}, which the
 * OpenAPI document ({@code openapi.yaml}, served at {@code /api/v1/openapi.yaml} and {@code .json}) is
 * tested against; identity resources are {@link IdentityApi}'s.
 */
public final class ApiV1 {
  static final String PREFIX = "/api/v1";
  /** Largest page a list request may ask for. */
  static final int MAX_PAGE = 500;
  /** Longest a job request may wait for the job to finish. */
  static final Duration MAX_WAIT = Duration.ofSeconds(30);
  private static final Pattern WAIT = Pattern.compile("(\\d{1,3})s?");

  private final EventLog events;
  /** OpenID Connect sign-in, or null when no provider is configured. */
  private final OidcSignIn oidc;
  private final ApiAuthentication authentication;
  private final AccessController access;
  private final ManifestService manifests;
  private final ScanService scans;
  private final Scanning scanning;
  private final VulnerabilityDatabase vulndb;
  private final JobQueue jobs;
  private final Scheduler schedules;
  private final SbomExporter sboms;
  private final PullGates gates;
  private final Exemptions exemptions;
  private final ObjectMapper json;
  private final OpenApiDocument openApi;
  private final Router router;

  /**
   * @param identity the identity domain behind {@code /users}, {@code /orgs}, {@code /robots} and the
   *                 repository management resources ({@link IdentityApi})
   * @param webhooks the webhooks behind {@code /webhooks} and the scopes' webhook lists ({@link WebhooksApi})
   * @param mirrors  pull mirrors behind {@code /mirrors} ({@link MirrorApi})
   * @param caches   pull-through caches behind {@code /caches} ({@link CacheApi})
   * @param policies promotion policies behind {@code /policies}, with the repository domain's immutability
   *                 rules behind {@code /immutability-rules} ({@link PolicyApi})
   * @param quotas   storage quotas behind {@code /quotas} ({@link QuotaApi})
   * @param retention pruning policies behind {@code /repositories/{name}/retention} ({@link RetentionApi})
   * @param gates    pull gates and, with {@code exemptions}, the CVE allowlists ({@link PullGatesApi}); the
   *                 scan views count findings as {@code exemptions} leave them
   * @param gc       garbage collection behind {@code /gc/runs} ({@link GcApi})
   */
  public ApiV1(EventLog events, TokenService tokens, LoginGuard logins, AccessController access,
      ManifestService manifests, ScanService scans, Scanning scanning, VulnerabilityDatabase vulndb, JobQueue jobs,
      Scheduler schedules, Identity identity, Webhooks webhooks, MirrorService mirrors, CacheService caches,
      PolicyService policies, RepositoryService repositories, PolicyPermissions policyPermissions, QuotaService quotas,
      RetentionService retention, PullGates gates, Exemptions exemptions, GcService gc,
      OidcSignIn oidc, ObjectMapper json,
      java.time.Clock clock) {
    this.gates = gates;
    this.exemptions = exemptions;
    this.oidc = oidc;
    this.events = events;
    this.authentication = new ApiAuthentication(tokens, logins);
    this.access = access;
    this.manifests = manifests;
    this.scans = scans;
    this.scanning = scanning;
    this.vulndb = vulndb;
    this.jobs = jobs;
    this.schedules = schedules;
    this.sboms = new SbomExporter(json);
    this.json = json;
    this.openApi = OpenApiDocument.load(json);
    PullGatesApi gatesApi = new PullGatesApi(gates, exemptions, authentication, json, clock);
    this.router = buildRouter(new IdentityApi(identity, authentication, json),
        new WebhooksApi(webhooks, authentication, json), new MirrorApi(mirrors, authentication, access,
            (who, namespace) -> identity.accessController().canManageNamespace(who, namespace), json),
        new CacheApi(caches, authentication, identity, json),
        new PolicyApi(policies, repositories, policyPermissions, authentication, json),
        new QuotaApi(quotas, authentication, identity, json), new RetentionApi(retention, authentication, access, json), gatesApi,
        new GcApi(gc, authentication, identity, json));
  }

  private OidcSignIn requireOidc() {
    if (oidc == null) {
      throw Problem.notFound("OpenID Connect sign-in is not configured (oidc.issuer)").failure();
    }
    return oidc;
  }

  /** Every operation of the REST API, in matching order (the OpenAPI document must list exactly these). */
  public List<Router.Route> routes() {
    return router.routes();
  }

  public void handle(Exchange ex) throws IOException {
    try {
      router.dispatch(ex, ex.path().substring(PREFIX.length()));
    } catch (Problem.Failure f) {
      problem(ex, f.problem());
    } catch (RegistryException e) {
      problem(ex, Problem.of(ErrorModel.status(e.error()), e.getMessage()));
    } catch (Exchange.BodyTooLargeException e) {
      problem(ex, Problem.of(413, e.getMessage()));
    }
  }

  private Router buildRouter(IdentityApi identityApi, WebhooksApi webhooksApi, MirrorApi mirrorApi,
      CacheApi cacheApi, PolicyApi policyApi, QuotaApi quotaApi, RetentionApi retentionApi, PullGatesApi gatesApi,
      GcApi gcApi) {
    Router r = new Router();
    r.add("GET", "/openapi.yaml", "api.openapi", (ex, p) -> ex.send(200, "application/yaml", openApi.yaml()));
    r.add("GET", "/openapi.json", "api.openapi", (ex, p) -> ex.send(200, "application/json", openApi.json()));
    r.add("GET", "/auth/oidc/login", "api.oidc.login", (ex, p) -> requireOidc().login(ex));
    r.add("GET", "/auth/oidc/callback", "api.oidc.callback", (ex, p) -> requireOidc().callback(ex));
    r.add("GET", "/audit", "api.audit", (ex, p) -> {
      requireAdmin(ex);
      listAudit(ex);
    });
    r.add("GET", "/jobs", "api.jobs", (ex, p) -> {
      requireAdmin(ex);
      listJobs(ex);
    });
    r.add("GET", "/jobs/{id}", "api.job", (ex, p) -> {
      requireAdmin(ex);
      long id = parseId(p.get("id"));
      Duration wait = waitParam(ex);
      ex.sendJson(200, json, jobs.awaitFinished(id, wait).map(this::jobJson)
          .orElseThrow(() -> Problem.notFound("no job " + id).failure()));
    });
    r.add("GET", "/schedules", "api.schedules", (ex, p) -> {
      requireAdmin(ex);
      ObjectNode body = json.createObjectNode();
      ArrayNode items = body.putArray("items");
      schedules.list().forEach(s -> items.add(scheduleJson(s)));
      ex.sendJson(200, json, body);
    });
    r.add("GET", "/vulnerability-db", "api.vulndb", (ex, p) -> {
      authentication.required(ex);
      ObjectNode body = json.createObjectNode();
      body.put("version", vulndb.version());
      body.set("sources", json.valueToTree(vulndb.sources()));
      ex.sendJson(200, json, body);
    });
    r.add("POST", "/vulnerability-db/imports", "api.vulndb.import", (ex, p) -> {
      requireAdmin(ex);
      importDatabase(ex);
    });
    r.add("POST", "/scans/rescan", "api.scans.rescan", (ex, p) -> {
      requireAdmin(ex);
      ex.sendJson(202, json, json.createObjectNode().put("queued", scanning.rescanAll()));
    });
    String manifest = "/repositories/{name...}/manifests/{reference}";
    r.add("GET", manifest + "/scan", "api.scan", (ex, p) -> {
      ManifestRef m = manifest(ex, p, Action.PULL);
      ex.sendJson(200, json, summary(m.name(), m.manifest()));
    });
    r.add("POST", manifest + "/scan", "api.scan", (ex, p) -> {
      ManifestRef m = manifest(ex, p, Action.PUSH);
      long id = scanning.requestScan(m.name().value(), m.manifest().digest().toString());
      ex.header("Location", PREFIX + "/jobs/" + id);
      ex.sendJson(202, json, jobs.find(id).map(this::jobJson).orElseThrow());
    });
    r.add("GET", manifest + "/scan/layers", "api.scan.layers",
        (ex, p) -> ex.sendJson(200, json, layers(platformImage(ex, manifest(ex, p, Action.PULL)))));
    r.add("GET", manifest + "/scan/components", "api.scan.components",
        (ex, p) -> ex.sendJson(200, json, components(ex, platformImage(ex, manifest(ex, p, Action.PULL)))));
    r.add("GET", manifest + "/sbom", "api.sbom", (ex, p) -> sbom(ex, manifest(ex, p, Action.PULL)));
    r.add("GET", manifest + "/pull-gate", "api.pull_gate.verdict", (ex, p) -> {
      ManifestRef m = manifest(ex, p, Action.PULL);
      ex.sendJson(200, json, verdict(gatesApi, gates.evaluate(m.name(), m.manifest())));
    });
    gatesApi.addRoutes(r);
    webhooksApi.addRoutes(r);
    mirrorApi.addRoutes(r);
    cacheApi.addRoutes(r);
    policyApi.addRoutes(r);
    quotaApi.addRoutes(r);
    gcApi.addRoutes(r);
    retentionApi.addRoutes(r);
    identityApi.addRoutes(r);
    return r;
  }

  // ---- repositories/{name}/manifests/{reference}/(scan|scan/layers|scan/components|sbom)

  private record ManifestRef(RepositoryName name, ManifestService.Manifest manifest) {}

  /** The manifest, once the caller (anonymous ones included: public repositories) may do {@code action}. */
  private ManifestRef manifest(Exchange ex, Router.Params params, Action action) {
    RepositoryName name = RepositoryName.of(params.get("name"));
    Principal principal = authentication.optional(ex);
    requireRepository(ex, principal, name, action);
    Caller caller = new Caller(principal.kind() == Principal.Kind.ANONYMOUS ? "anonymous" : principal.subject(),
        ex.clientAddress(), ex.requestId());
    return new ManifestRef(name, manifests.get(name, ManifestService.Reference.parse(params.get("reference")), false,
        caller));
  }

  private ObjectNode verdict(PullGatesApi gatesApi, PullGates.Verdict verdict) {
    ObjectNode body = json.createObjectNode();
    body.put("allowed", verdict.allowed());
    body.put("reason", verdict.reason());
    body.put("message", verdict.message());
    ArrayNode list = body.putArray("gates");
    verdict.gates().forEach(g -> list.add(gatesApi.gate(g)));
    return body;
  }

  private void sbom(Exchange ex, ManifestRef ref) throws IOException {
    ImageScan scan = platformImage(ex, ref).scan().orElseThrow();
    ImageInventory inventory = scans.inventory(scan.digest())
        .orElseThrow(() -> new Problem(409, "Conflict", "the image has no successful scan yet").failure());
    String format = Optional.ofNullable(ex.query("format")).orElse("cyclonedx");
    ObjectNode document = switch (format) {
      case "cyclonedx" -> sboms.cycloneDx(ref.name().value(), scan.digest(), inventory, Instant.now());
      case "spdx" -> sboms.spdx(ref.name().value(), scan.digest(), inventory, Instant.now());
      default -> throw Problem.badRequest("format must be cyclonedx or spdx").failure();
    };
    ex.send(200, format.equals("spdx") ? "application/spdx+json" : "application/vnd.cyclonedx+json",
        json.writeValueAsBytes(document));
  }

  /**
   * One platform of the manifest, with exemptions applied: the manifest itself, or the index entry chosen by
   * {@code platform}; 409 when it has no scan.
   */
  private EffectiveFindings.Image platformImage(Exchange ex, ManifestRef ref) {
    EffectiveFindings findings = exemptions.effectiveFindings(ref.name(), ref.manifest());
    String wanted = ex.query("platform");
    EffectiveFindings.Image image = findings.images().stream()
        .filter(i -> wanted == null || i.platform() == null || i.platform().equals(wanted)).findFirst()
        .orElseThrow(() -> Problem.notFound("no platform " + wanted + " in " + ref.manifest().digest()).failure());
    if (image.scan().isEmpty()) {
      throw new Problem(409, "Conflict", "image " + image.digest() + " has not been scanned yet").failure();
    }
    return image;
  }

  private ObjectNode summary(RepositoryName name, ManifestService.Manifest manifest) {
    ObjectNode body = json.createObjectNode();
    body.put("repository", name.value());
    body.put("digest", manifest.digest().toString());
    body.put("mediaType", manifest.mediaType());
    EffectiveFindings findings = exemptions.effectiveFindings(name, manifest);
    ArrayNode list = body.putArray("platforms");
    String overall = ImageScan.SUCCEEDED;
    for (EffectiveFindings.Image image : findings.images()) {
      ObjectNode entry = list.addObject();
      if (image.platform() != null) {
        entry.put("platform", image.platform());
      }
      entry.put("digest", image.digest());
      Optional<ImageScan> scan = image.scan();
      if (scan.isEmpty()) {
        entry.put("status", "not_scanned");
        overall = "not_scanned";
        continue;
      }
      ImageScan s = scan.get();
      entry.put("status", s.status());
      if (!s.status().equals(ImageScan.SUCCEEDED) && overall.equals(ImageScan.SUCCEEDED)) {
        overall = s.status();
      }
      if (s.error() != null) {
        entry.put("error", s.error());
      }
      entry.put("os", s.os());
      entry.put("vulnerabilityDbVersion", s.vulndbVersion());
      entry.put("scannedAt", Instant.ofEpochMilli(s.scannedAt()).toString());
      entry.put("matchedAt", Instant.ofEpochMilli(s.matchedAt()).toString());
      entry.set("counts", counts(image.counts()));
      entry.set("fixableCounts", counts(SeverityCounts.of(image.inForce().stream()
          .filter(f -> f.fixedVersion() != null).toList())));
      entry.put("suppressed", image.suppressedCount());
    }
    body.put("status", overall);
    body.set("counts", counts(findings.counts()));
    body.put("suppressed", findings.suppressedCount());
    return body;
  }

  private ObjectNode counts(SeverityCounts counts) {
    return json.createObjectNode().put("critical", counts.critical()).put("major", counts.major())
        .put("minor", counts.minor()).put("total", counts.total());
  }

  /** Layers view: for each layer its command and the vulnerable components it introduced. */
  private ObjectNode layers(EffectiveFindings.Image image) throws IOException {
    ImageScan scan = image.scan().orElseThrow();
    ObjectNode body = json.createObjectNode();
    body.put("digest", scan.digest());
    body.put("status", scan.status());
    Optional<ImageInventory> inventory = scans.inventory(scan.digest());
    ArrayNode layers = body.putArray("layers");
    for (int i = 0; i < scan.layers().size(); i++) {
      String layer = scan.layers().get(i);
      ObjectNode entry = layers.addObject();
      entry.put("index", i);
      entry.put("digest", layer);
      entry.put("command", i < scan.history().size() ? scan.history().get(i) : null);
      entry.put("packages", inventory.map(inv -> inv.packages().stream().filter(p -> layer.equals(p.layerDigest()))
          .count()).orElse(0L));
      List<EffectiveFindings.Assessed> introduced = image.findings().stream()
          .filter(a -> layer.equals(a.finding().layerDigest())).toList();
      entry.set("counts", counts(SeverityCounts.of(introduced.stream().filter(EffectiveFindings.Assessed::inForce)
          .map(EffectiveFindings.Assessed::finding).toList())));
      ArrayNode vulnerabilities = entry.putArray("vulnerabilities");
      introduced.forEach(a -> vulnerabilities.add(finding(a)));
    }
    return body;
  }

  /** A finding as the views show it, with {@code suppression} (source and reason) when it does not count. */
  private ObjectNode finding(EffectiveFindings.Assessed assessed) {
    ObjectNode node = json.valueToTree(assessed.finding());
    if (assessed.inForce()) {
      node.putNull("suppression");
    } else {
      node.putObject("suppression").put("source", assessed.suppression().source().wireName())
          .put("reason", assessed.suppression().reason());
    }
    return node;
  }

  /** Components view: every finding, filtered and sorted; suppressed ones are listed, marked. */
  private ObjectNode components(Exchange ex, EffectiveFindings.Image image) {
    Set<SeverityBucket> severities = parseSeverities(ex.query("severity"));
    boolean fixableOnly = "true".equals(ex.query("fixable"));
    String q = Optional.ofNullable(ex.query("q")).map(s -> s.toLowerCase(Locale.ROOT)).orElse(null);
    Comparator<Finding> order = switch (Optional.ofNullable(ex.query("sort")).orElse("severity")) {
      case "severity" -> Comparator.comparing(Finding::severity).thenComparing(Finding::vulnerabilityId)
          .thenComparing(Finding::packageName);
      case "package" -> Comparator.comparing(Finding::packageName).thenComparing(Finding::vulnerabilityId);
      case "id" -> Comparator.comparing(Finding::vulnerabilityId).thenComparing(Finding::packageName);
      case "cvss" -> Comparator.comparing((Finding f) -> f.cvssScore() == null ? -1 : f.cvssScore()).reversed()
          .thenComparing(Finding::vulnerabilityId);
      default -> throw Problem.badRequest("sort must be severity, package, id or cvss").failure();
    };
    List<EffectiveFindings.Assessed> selected = image.findings().stream()
        .filter(a -> severities.isEmpty() || severities.contains(a.finding().severity()))
        .filter(a -> !fixableOnly || a.finding().fixedVersion() != null)
        .filter(a -> q == null || a.finding().allIds().stream().anyMatch(id -> id.toLowerCase(Locale.ROOT).contains(q))
            || a.finding().packageName().toLowerCase(Locale.ROOT).contains(q))
        .sorted(Comparator.comparing(EffectiveFindings.Assessed::finding, order)).toList();
    ObjectNode body = json.createObjectNode();
    body.put("digest", image.digest());
    body.put("total", selected.size());
    ArrayNode components = body.putArray("components");
    selected.forEach(a -> components.add(finding(a)));
    return body;
  }

  private static Set<SeverityBucket> parseSeverities(String text) {
    if (text == null || text.isBlank()) {
      return Set.of();
    }
    Set<SeverityBucket> result = new java.util.HashSet<>();
    for (String part : text.split(",")) {
      try {
        result.add(SeverityBucket.valueOf(part.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw Problem.badRequest("unknown severity '" + part + "'").failure();
      }
    }
    return result;
  }

  private void importDatabase(Exchange ex) throws IOException {
    String format = ex.query("format");
    String source = Optional.ofNullable(ex.query("source")).orElse(format);
    if (format == null || !Scanning.FORMATS.contains(format)) {
      throw Problem.badRequest("format must be one of " + Scanning.FORMATS).failure();
    }
    if (source == null || !source.matches("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")) {
      throw Problem.badRequest("source must be 1-128 letters, digits, '.', '_', ':' or '-'").failure();
    }
    long id = scanning.importDatabase(source, format, ex.body());
    ex.header("Location", PREFIX + "/jobs/" + id);
    ex.sendJson(202, json, jobs.find(id).map(this::jobJson).orElseThrow());
  }

  private void listJobs(Exchange ex) throws IOException {
    int limit = intParam(ex, "limit", 100, 1, MAX_PAGE);
    long before = longParam(ex, "before", 0, 0, Long.MAX_VALUE);
    List<Job> list = jobs.list(ex.query("kind"), ex.query("state"), before, limit);
    ObjectNode body = json.createObjectNode();
    ArrayNode items = body.putArray("items");
    list.forEach(j -> items.add(jobJson(j)));
    ex.sendJson(200, json, body);
  }

  private ObjectNode jobJson(Job job) {
    ObjectNode node = json.createObjectNode();
    node.put("id", job.id());
    node.put("kind", job.kind());
    node.put("subject", job.subject());
    node.put("state", job.state());
    node.put("attempts", job.attempts());
    node.putObject("progress").put("done", job.done()).put("total", job.total());
    node.put("message", job.message());
    node.put("createdAt", Instant.ofEpochMilli(job.createdAt()).toString());
    if (job.startedAt() != null) {
      node.put("startedAt", Instant.ofEpochMilli(job.startedAt()).toString());
    }
    if (job.finishedAt() != null) {
      node.put("finishedAt", Instant.ofEpochMilli(job.finishedAt()).toString());
    }
    return node;
  }

  private ObjectNode scheduleJson(Scheduler.Schedule schedule) {
    ObjectNode node = json.createObjectNode();
    node.put("name", schedule.name());
    node.put("kind", schedule.kind());
    node.put("interval", schedule.interval().toString());
    node.put("nextRunAt", schedule.nextRunAt().toString());
    node.put("lastRunAt", schedule.lastRunAt() == null ? null : schedule.lastRunAt().toString());
    if (schedule.lastJobId() == null) {
      node.putNull("lastJobId");
    } else {
      node.put("lastJobId", schedule.lastJobId());
    }
    return node;
  }

  private static final Set<String> AUDIT_FILTERS = Set.of("limit", "before", "repository", "actor", "action", "since",
      "until");

  private void listAudit(Exchange ex) throws IOException {
    requireOnlyParameters(ex, AUDIT_FILTERS);
    int limit = intParam(ex, "limit", 100, 1, MAX_PAGE);
    long before = longParam(ex, "before", 0, 0, Long.MAX_VALUE);
    String repository = ex.query("repository");
    if (repository != null && !RepositoryName.isValid(repository)) {
      throw Problem.badRequest("repository is not a valid repository name").failure();
    }
    String action = ex.query("action");
    EventType type = action == null ? null : EventType.fromWireName(action).orElseThrow(() -> Problem.badRequest(
        "unknown action '" + action + "'; actions are the event types listed in the API document").failure());
    List<Event> entries = events.search(new EventQuery(before, limit,
        repository == null ? null : RepositoryName.of(repository), ex.query("actor"), type, instantParam(ex, "since"),
        instantParam(ex, "until")));
    ObjectNode body = json.createObjectNode();
    var items = body.putArray("items");
    entries.forEach(e -> items.add(auditJson(e)));
    if (entries.size() == limit) {
      StringBuilder next = new StringBuilder(PREFIX + "/audit?limit=" + limit + "&before=" + entries.getLast().id());
      for (String filter : List.of("repository", "actor", "action", "since", "until")) {
        if (ex.query(filter) != null) {
          next.append('&').append(filter).append('=')
              .append(java.net.URLEncoder.encode(ex.query(filter), java.nio.charset.StandardCharsets.UTF_8));
        }
      }
      body.put("next", next.toString());
      ex.header("Link", "<" + next + ">; rel=\"next\"");
    }
    ex.sendJson(200, json, body);
  }

  private ObjectNode auditJson(Event e) {
    ObjectNode node = json.createObjectNode();
    node.put("id", e.id());
    node.put("at", e.at().toString());
    node.put("action", e.type().wireName());
    node.put("actor", e.caller().actor());
    node.put("client", e.caller().client());
    node.put("requestId", e.caller().requestId());
    node.put("repository", e.repository() == null ? null : e.repository().value());
    node.put("digest", e.digest() == null ? null : e.digest().toString());
    node.put("tag", e.tag() == null ? null : e.tag().value());
    node.put("mediaType", e.mediaType());
    node.put("target", e.target());
    node.set("detail", json.valueToTree(e.detail()));
    return node;
  }

  /** A filter the server does not know would silently widen the answer: refuse it instead. */
  private static void requireOnlyParameters(Exchange ex, Set<String> known) {
    for (String name : ex.queryNames()) {
      if (!known.contains(name)) {
        throw Problem.badRequest("unknown query parameter '" + name + "'; known: " + new java.util.TreeSet<>(known))
            .failure();
      }
    }
  }

  private static Instant instantParam(Exchange ex, String name) {
    String value = ex.query(name);
    if (value == null) {
      return null;
    }
    try {
      return java.time.OffsetDateTime.parse(value).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      throw Problem.badRequest(name + " must be an RFC 3339 date-time such as 2026-12-01T00:00:00Z").failure();
    }
  }

  // ---- authentication and authorisation

  /**
   * Those who may not pull a repository get the same answer as for one that does not exist, so the API
   * does not reveal private repositories: anonymous callers are asked to sign in (401), others get 404.
   * Those who may pull it but not {@code action} get 403 (anonymous callers again 401).
   */
  private void requireRepository(Exchange ex, Principal principal, RepositoryName name, Action action) {
    Set<Action> held = access.grant(principal,
        new ResourceScope(ResourceType.REPOSITORY, name.value(), EnumSet.of(Action.PULL, action)));
    if (held.contains(action)) {
      return;
    }
    if (principal.kind() == Principal.Kind.ANONYMOUS) {
      throw ApiAuthentication.unauthorized(ex, "credentials are required");
    }
    if (!held.contains(Action.PULL)) {
      throw Problem.notFound("repository " + name + " not found").failure();
    }
    throw new Problem(403, "Forbidden", "this needs " + action.wireName() + " permission on repository " + name)
        .failure();
  }

  private Principal requireAdmin(Exchange ex) {
    Principal principal = authentication.required(ex);
    if (principal.kind() != Principal.Kind.ADMIN) {
      throw new Problem(403, "Forbidden", "administrators only").failure();
    }
    return principal;
  }

  // ---- helpers

  private static long parseId(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw Problem.notFound("no job " + text).failure();
    }
  }

  /** {@code wait} of a job request: how long to hold the answer back while the job has not finished. */
  private static Duration waitParam(Exchange ex) {
    String value = ex.query("wait");
    if (value == null) {
      return Duration.ZERO;
    }
    Matcher seconds = WAIT.matcher(value);
    if (!seconds.matches() || Integer.parseInt(seconds.group(1)) > MAX_WAIT.toSeconds()) {
      throw Problem.badRequest("wait must be a number of seconds from 0 to " + MAX_WAIT.toSeconds()
          + ", such as " + MAX_WAIT.toSeconds() + "s").failure();
    }
    return Duration.ofSeconds(Integer.parseInt(seconds.group(1)));
  }

  /** The scope named by the {@code namespace} path variable; 400 for a name that cannot be one. */
  static Scope namespaceScope(Router.Params p) {
    return scope(() -> Scope.namespace(p.get("namespace")));
  }

  /** The scope named by the {@code name} path variable; 400 for a name that cannot be one. */
  static Scope repositoryScope(Router.Params p) {
    return scope(() -> Scope.repository(p.get("name")));
  }

  private static Scope scope(java.util.function.Supplier<Scope> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest(e.getMessage()).failure();
    }
  }

  static int intParam(Exchange ex, String name, int fallback, int min, int max) {
    return (int) longParam(ex, name, fallback, min, max);
  }

  static long longParam(Exchange ex, String name, long fallback, long min, long max) {
    String value = ex.query(name);
    if (value == null) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value);
      if (parsed < min || parsed > max) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw Problem.badRequest(name + " must be an integer from " + min + " to " + max).failure();
    }
  }


  private void problem(Exchange ex, Problem problem) throws IOException {
    ex.failure(problem.title() + ": " + problem.detail());
    ex.send(problem.status(), "application/problem+json",
        ErrorModel.problemBody(problem.status(), problem.title(), problem.detail(), ex.path()));
  }
}
