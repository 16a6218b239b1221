package io.portcullis.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.portcullis.auth.ScopeParser;
import io.portcullis.auth.login.BootstrapAdminCredentials;
import io.portcullis.auth.login.Credentials;
import io.portcullis.auth.login.LoginGuard;
import io.portcullis.auth.login.LoginThrottle;
import io.portcullis.auth.login.PasswordHasher;
import io.portcullis.auth.secret.SecretBox;
import io.portcullis.auth.token.SigningKeys;
import io.portcullis.auth.token.TokenService;
import io.portcullis.auth.token.TokenSettings;
import io.portcullis.events.EventLog;
import io.portcullis.events.jdbc.JdbcEventStore;
import io.portcullis.identity.DirectoryCredentials;
import io.portcullis.identity.ExternalUser;
import io.portcullis.identity.Identity;
import io.portcullis.identity.IdentityAccessController;
import io.portcullis.identity.UserSource;
import io.portcullis.identity.jdbc.JdbcIdentityStores;
import io.portcullis.identity.ldap.LdapDirectory;
import io.portcullis.identity.ldap.LdapSettings;
import io.portcullis.identity.oidc.OidcClient;
import io.portcullis.identity.oidc.OidcSettings;
import io.portcullis.jobs.JobQueue;
import io.portcullis.jobs.JobHandler;
import io.portcullis.jobs.JobRunner;
import io.portcullis.jobs.Scheduler;
import io.portcullis.gc.GarbageCollector;
import io.portcullis.gc.GcService;
import io.portcullis.gc.jdbc.JdbcGcStore;
import io.portcullis.jobs.jdbc.JdbcJobStore;
import io.portcullis.jobs.jdbc.JdbcScheduleStore;
import io.portcullis.metadata.Database;
import io.portcullis.policy.PolicyPermissions;
import io.portcullis.policy.PolicyService;
import io.portcullis.policy.jdbc.JdbcPolicyStore;
import io.portcullis.auth.Principal;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.RepositoryScope;
import io.portcullis.metadata.JdbcSecretStore;
import io.portcullis.mirror.BlobCopy;
import io.portcullis.mirror.MirrorRunner;
import io.portcullis.mirror.cache.CacheService;
import io.portcullis.mirror.cache.PullThroughCache;
import io.portcullis.mirror.cache.jdbc.JdbcCacheStore;
import io.portcullis.mirror.MirrorService;
import io.portcullis.mirror.jdbc.JdbcMirrorStore;
import io.portcullis.mirror.upstream.UpstreamConnector;
import io.portcullis.mirror.upstream.UpstreamSettings;
import io.portcullis.quota.QuotaService;
import io.portcullis.quota.jdbc.JdbcQuotaStore;
import io.portcullis.policy.Candidates;
import io.portcullis.retention.RetentionService;
import io.portcullis.retention.jdbc.JdbcRetentionStore;
import io.portcullis.registry.BlobService;
import io.portcullis.registry.ManifestService;
import io.portcullis.registry.UploadService;
import io.portcullis.registry.RegistrySweep;
import io.portcullis.registry.jdbc.JdbcBlobLinkStore;
import io.portcullis.registry.jdbc.JdbcSweepStore;
import io.portcullis.registry.jdbc.JdbcManifestStore;
import io.portcullis.repository.RepositoryService;
import io.portcullis.repository.jdbc.JdbcRepositoryStore;
import io.portcullis.scan.ScanService;
import io.portcullis.scan.Scanning;
import io.portcullis.scan.VulnerabilityDatabase;
import io.portcullis.scan.jdbc.JdbcAdvisoryStore;
import io.portcullis.scan.jdbc.JdbcRegistryContent;
import io.portcullis.scan.jdbc.JdbcScanStore;
import io.portcullis.scan.layer.LayerLimits;
import io.portcullis.shared.NetworkPolicy;
import io.portcullis.storage.fs.FsBlobStore;
import io.portcullis.web.HttpServer;
import io.portcullis.web.Metrics;
import io.portcullis.web.api.ApiV1;
import io.portcullis.web.api.OidcSignIn;
import io.portcullis.web.token.TokenAuthorizer;
import io.portcullis.web.token.TokenEndpoint;
import io.portcullis.web.v2.RegistryApi;
import io.portcullis.policy.gate.Exemptions;
import io.portcullis.policy.gate.GatePermissions;
import io.portcullis.policy.gate.PullGates;
import io.portcullis.policy.gate.jdbc.JdbcGateStore;
import io.portcullis.webhooks.WebhookPermissions;
import io.portcullis.webhooks.WebhookSettings;
import io.portcullis.webhooks.Webhooks;
import io.portcullis.webhooks.jdbc.JdbcWebhookStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root: builds every component from the configuration and runs them. */
public final class Portcullis implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Portcullis.class);
  /** How long a replica uses pull gates and allowlist entries before reading them again: a change on another replica takes this long. */
  private static final Duration GATE_CACHE_TIME = Duration.ofSeconds(5);
  /** Namespaces with a quota whose usage the metrics report (each scrape reads them; see quotas.md). */
  private static final int QUOTAS_WATCHED = 1000;

  private final Database db;
  private final EventLog events;
  private final JobRunner jobs;
  private final Scheduler scheduler;
  private final Identity identity;
  private final Webhooks webhooks;
  private final HttpServer http;
  private final ScheduledExecutorService tlsWatch;
  private volatile boolean ready;
  private volatile Configuration config;
  private volatile String tlsFilesSeen;

  private Portcullis(Database db, EventLog events, JobRunner jobs, Scheduler scheduler, Identity identity,
      Webhooks webhooks, HttpServer http, ScheduledExecutorService tlsWatch, Configuration config) {
    this.config = config;
    this.tlsFilesSeen = tlsFilesVersion(config);
    this.db = db;
    this.events = events;
    this.jobs = jobs;
    this.scheduler = scheduler;
    this.identity = identity;
    this.webhooks = webhooks;
    this.http = http;
    this.tlsWatch = tlsWatch;
  }

  /** Builds and starts the registry; returns once it serves requests. */
  public static Portcullis start(Configuration config, java.io.PrintStream console) throws Exception {
    return start(config, console, Clock.systemUTC());
  }

  /** The same on a given clock: tests move time forward instead of waiting for it. */
  public static Portcullis start(Configuration config, java.io.PrintStream console, Clock clock) throws Exception {
    // Everything that can make the start fail for a reason the operator must fix is checked before
    // anything is written (an administrator created, a key generated): fix, start again, no residue.
    var tls = tlsKeyStore(config);
    Path dataDir = writableDataDir(config);
    InetSocketAddress listen = config.listen();
    HttpServer http = new HttpServer(new InetSocketAddress(listen.getHostString(), listen.getPort()), tls,
        new Metrics(clock), new HttpServer.Options(config.trustedProxies(), config.get(Setting.LOG_ACCESS).equals("all")));
    try {
      http.bind();
      return start(config, console, clock, dataDir, http, tls);
    } catch (HttpServer.BindException e) {
      http.close();
      throw new Configuration.InvalidConfiguration(e.getMessage());
    } catch (Exception | Error e) {
      http.close();
      throw e;
    }
  }

  private static Portcullis start(Configuration config, java.io.PrintStream console, Clock clock, Path dataDir,
      HttpServer http, java.security.KeyStore tls) throws Exception {
    ObjectMapper json = JsonMapper.builder().findAndAddModules().build();
    String databaseUrl = config.get(Setting.DATABASE_URL);
    SecretBox box = new SecretBox(masterKey(config, dataDir));
    Database db;
    try {
      db = databaseUrl.isEmpty()
          ? Database.embedded(dataDir)
          : Database.postgres(databaseUrl, blankToNull(config.get(Setting.DATABASE_USER)),
              blankToNull(config.secret(Setting.DATABASE_PASSWORD, box)), (int) config.longValue(Setting.DATABASE_POOL_SIZE));
    } catch (Database.UnavailableException e) {
      throw new Configuration.InvalidConfiguration(e.getMessage());
    }
    String replica = replicaName();
    EventLog events = new EventLog(db, new JdbcEventStore(json), clock, replica);
    RepositoryService repositories = new RepositoryService(db, new JdbcRepositoryStore(), events, clock);
    FsBlobStore blobStore = new FsBlobStore(dataDir);
    JdbcBlobLinkStore blobLinks = new JdbcBlobLinkStore();
    BlobService blobs = new BlobService(db, blobLinks, blobStore, repositories, events, clock);
    JdbcSecretStore secrets = new JdbcSecretStore(db, clock);
    UploadService uploads = new UploadService(blobStore, blobs, clock, config.longValue(Setting.MAX_BLOB_BYTES),
        sealedRandomKey(secrets, box, "upload-state-key"));
    JdbcManifestStore manifestStore = new JdbcManifestStore();
    ManifestService manifests = new ManifestService(db, manifestStore, blobs, repositories, events, clock);
    JobQueue jobQueue = new JobQueue(db, new JdbcJobStore(), clock);
    JobRunner jobs = new JobRunner(jobQueue, (int) config.longValue(Setting.JOBS_CONCURRENCY), Duration.ofSeconds(2));
    Scheduler scheduler = new Scheduler(db, new JdbcScheduleStore(), jobQueue, clock, jobs::nudge, Duration.ofSeconds(10));
    VulnerabilityDatabase vulndb = new VulnerabilityDatabase(db, new JdbcAdvisoryStore(json), clock);
    Metrics metrics = http.metrics();
    JdbcRegistryContent registryContent = new JdbcRegistryContent();
    ScanService scans = new ScanService(db, new JdbcScanStore(json), registryContent, blobStore, vulndb, events, json,
        clock, LayerLimits.defaults(), metrics::scanned);
    Scanning scanning = new Scanning(db, registryContent, blobStore, scans, vulndb, jobs, events, repositories, json);
    metrics.watchJobs(() -> jobQueue.depthByKind(jobs.kinds()));
    metrics.watchVulnerabilityDatabase(vulndb::sources);
    metrics.watchStorage(blobs::usage);
    metrics.watchEvents(events);

    SigningKeys keys = SigningKeys.loadOrCreate(secrets, box);
    String service = config.get(Setting.AUTH_SERVICE);
    TokenSettings tokenSettings = new TokenSettings(config.get(Setting.AUTH_ISSUER), service,
        config.duration(Setting.AUTH_TOKEN_TTL), TokenSettings.DEFAULT_CLOCK_SKEW,
        TokenSettings.DEFAULT_VERIFICATION_CACHE_SIZE);
    PasswordHasher hasher = PasswordHasher.withOwaspDefaults();
    String adminName = config.get(Setting.ADMIN_USERNAME);
    BootstrapAdminCredentials admin = new BootstrapAdminCredentials(adminName, secrets, hasher);
    bootstrapAdmin(admin, config, console);
    Identity identity = new Identity(db, JdbcIdentityStores.create(), hasher, clock, Set.of(adminName),
        IdentityAccessController.DEFAULT_CACHE_TTL, events, HttpServer::origin, repositories);
    addDeletionParticipants(repositories, identity, scans, manifests, blobs);
    IdentityAccessController accessController = identity.accessController();
    LdapDirectory ldap = ldapDirectory(config, box);
    DirectoryCredentials credentials = identity.credentials(admin, adminName, ldap == null ? null : (user, password) ->
        ldap.authenticate(user, password).map(Portcullis::externalUser));
    JdbcMirrorStore mirrorStore = new JdbcMirrorStore();
    TokenService tokens = new TokenService(tokenSettings, keys, accessController, identity.tokens()::isActive, clock);

    InetSocketAddress listen = config.listen();
    String publicUrl = config.get(Setting.PUBLIC_URL).replaceAll("/+$", "");
    ScopeParser scopes = new ScopeParser(ownHosts(publicUrl, listen));
    TokenAuthorizer authorizer = new TokenAuthorizer(tokens, accessController, service, publicUrl);
    Webhooks webhooks = new Webhooks(db, new JdbcWebhookStore(json), events, box, webhookPermissions(accessController),
        config.networkPolicy(Setting.WEBHOOKS_ALLOWED_NETWORKS), new WebhookSettings(config.duration(Setting.WEBHOOKS_TIMEOUT),
            config.duration(Setting.WEBHOOKS_RETRY_HORIZON), config.duration(Setting.WEBHOOKS_SECRET_OVERLAP),
            (int) config.longValue(Setting.WEBHOOKS_CONCURRENCY), config.duration(Setting.WEBHOOKS_RETENTION),
            publicUrl.isEmpty() ? "portcullis" : publicUrl),
        clock, json, replica, HttpServer::origin, metrics::webhookAttempted);
    events.subscribe(webhooks.subscriber());
    repositories.addDeletionParticipant(webhooks::forgetRepository);
    metrics.watchWebhooks(webhooks::backlog, webhooks::inFlight);
    Exemptions exemptions = new Exemptions(db, new JdbcGateStore(), scans, manifests, blobs, events,
        gatePermissions(accessController), clock, HttpServer::origin, GATE_CACHE_TIME);
    PullGates gates = new PullGates(db, new JdbcGateStore(), exemptions, manifests, clock, accessController::isSystemAdmin,
        metrics::pullRefused, GATE_CACHE_TIME);
    repositories.addDeletionParticipant(gates);
    LoginGuard logins = new LoginGuard(credentials, LoginThrottle.withDefaults());
    TokenEndpoint tokenEndpoint = new TokenEndpoint(tokens, logins, scopes, service, json);
    QuotaService quotas = new QuotaService(db, new JdbcQuotaStore(), events, clock, metrics::quotaRefused);
    blobs.addLinkGuard(quotas);
    metrics.watchQuotas(() -> quotas.list(null, QUOTAS_WATCHED));
    Candidates candidates = new Candidates(db, manifests, scans, exemptions, json, clock);
    RetentionService retention = new RetentionService(db, new JdbcRetentionStore(), manifests, repositories,
        candidates, scheduler, jobs, events, clock, (repository, tags) -> metrics.tagsPruned(repository.value(), tags));
    repositories.addDeletionParticipant(retention);
    jobs.register(RetentionService.JOB_KIND, retention);
    events.subscribe(retention.afterPush());
    NetworkPolicy upstreams = config.networkPolicy(Setting.MIRROR_ALLOWED_NETWORKS);
    MirrorService mirrors = new MirrorService(db, mirrorStore, repositories, scheduler, jobs, events, box,
        upstreams, clock);
    repositories.addDeletionParticipant(mirrors);
    events.subscribe(mirrors.pushTrigger());
    jobs.register(MirrorService.JOB_KIND, new MirrorRunner(mirrors, mirrorStore, db, upstreamConnector(config, upstreams, clock,
        UpstreamSettings.defaults().maxAttempts(), UpstreamSettings.defaults().backoff(),
        UpstreamSettings.defaults().maxBackoff()),
        manifests, blobs, uploads, events, clock,
        (mirror, run) -> metrics.mirrorRun(mirror.isPush() ? mirror.target() + " -> " + mirror.upstream()
            : mirror.target().value(), mirror.direction().wireName(), run.state(), run.counts()),
        (int) config.longValue(Setting.MIRROR_TRANSFERS)));
    JdbcCacheStore cacheStore = new JdbcCacheStore();
    CacheService caches = new CacheService(db, cacheStore, events, box, upstreams, clock);
    repositories.addDeletionParticipant(caches);
    PullThroughCache pullThrough = new PullThroughCache(caches, cacheStore, db,
        upstreamConnector(config, upstreams, clock, CACHE_ATTEMPTS, CACHE_BACKOFF, CACHE_MAX_BACKOFF), manifests, blobs,
        new BlobCopy(uploads), events, clock, metrics.cacheListener());
    RegistryApi registryApi = new RegistryApi(manifests, blobs, uploads, repositories, pullThrough, authorizer, gates,
        json);
    PolicyPermissions policyPermissions = policyPermissions(accessController);
    PolicyService policies = new PolicyService(db, new JdbcPolicyStore(json), manifests, blobs, repositories, scans,
        candidates, events, policyPermissions, json, clock, metrics::policyEvaluated);
    events.subscribe(policies.subscriber());
    GcService gc = garbageCollection(config, db, json, clock, events, jobs, scheduler, metrics, uploads,
        new RegistrySweep(db, new JdbcSweepStore(), manifestStore, blobStore, manifests, blobs, repositories, events));
    ApiV1 api = new ApiV1(events, tokens, logins, accessController, manifests, scans, scanning, vulndb, jobQueue, scheduler,
        identity, webhooks, mirrors, caches, policies, repositories, policyPermissions, quotas, retention, gates, exemptions, gc,
        oidcSignIn(config, box, publicUrl, credentials, tokens, json), json, clock);

    Portcullis[] self = new Portcullis[1];
    Health health = new Health(db, blobStore, () -> self[0] != null && self[0].ready, json);
    List<HttpServer.Mount> mounts = List.of(
        new HttpServer.Mount("/v2/", registryApi::handle),
        new HttpServer.Mount("/auth/token", tokenEndpoint::handle),
        new HttpServer.Mount("/api/v1/", api::handle),
        new HttpServer.Mount("/livez", health::live),
        new HttpServer.Mount("/readyz", health::ready),
        new HttpServer.Mount("/healthz", health::ready),
        new HttpServer.Mount("/metrics", ex -> {
          ex.route("metrics");
          ex.send(200, "text/plain; version=0.0.4; charset=utf-8", metrics.text());
        }));

    long expiry = config.duration(Setting.UPLOAD_EXPIRY).toMillis();
    jobs.register("uploads.purge", (job, progress) -> {
      int purged = uploads.purgeStale(expiry);
      progress.update(purged, purged, "purged " + purged + " expired uploads");
    });
    scheduler.register("uploads.purge", "uploads.purge", Duration.ofHours(1));
    jobs.register("webhooks.purge", (job, progress) -> {
      int purged = webhooks.purge();
      progress.update(purged, purged, "purged " + purged + " webhook deliveries past " + Setting.WEBHOOKS_RETENTION.key());
    });
    scheduler.register("webhooks.purge", "webhooks.purge", Duration.ofHours(1));
    if (ldap != null) {
      jobs.register("ldap.sync", (job, progress) -> synchroniseLdap(identity, ldap, progress));
      scheduler.register("ldap.sync", "ldap.sync", config.duration(Setting.LDAP_SYNC_INTERVAL));
    }

    // The one local timer: each replica serves its own certificate, so each one watches the files,
    // where the scheduler would run the reload in one replica only.
    ScheduledExecutorService tlsWatch = Executors.newSingleThreadScheduledExecutor(
        Thread.ofVirtual().name("tls-watch").factory());
    Portcullis portcullis = new Portcullis(db, events, jobs, scheduler, identity, webhooks, http, tlsWatch, config);
    if (tls != null) {
      tlsWatch.scheduleWithFixedDelay(portcullis::reloadTlsIfChanged, 10, 10, TimeUnit.SECONDS);
    }
    self[0] = portcullis;
    webhooks.start();
    events.start();
    jobs.start();
    scheduler.start();
    http.start(mounts);
    portcullis.ready = true;
    log.info("Portcullis listening on {}:{} (data {}, metadata {})", listen.getHostString(), http.port(), dataDir,
        db.dialect().name().toLowerCase(java.util.Locale.ROOT));
    return portcullis;
  }

  /** Garbage collection as a job, on the {@code gc.interval} schedule unless that is empty (see garbage-collection.md). */
  private static GcService garbageCollection(Configuration config, Database db, ObjectMapper json, Clock clock,
      EventLog events, JobRunner jobs, Scheduler scheduler, Metrics metrics, UploadService uploads, RegistrySweep sweep) {
    GarbageCollector collector = new GarbageCollector(sweep, uploads, clock, config.duration(Setting.GC_GRACE),
        config.duration(Setting.UPLOAD_EXPIRY));
    GcService gc = new GcService(db, new JdbcGcStore(json), collector, jobs, events, clock,
        Boolean.parseBoolean(config.get(Setting.GC_DELETE_UNTAGGED)), metrics::gcFinished);
    jobs.register(GcService.JOB_KIND, gc);
    if (config.get(Setting.GC_INTERVAL).isEmpty()) {
      scheduler.remove(GcService.SUBJECT);
    } else {
      scheduler.register(GcService.SUBJECT, GcService.JOB_KIND, config.duration(Setting.GC_INTERVAL));
    }
    return gc;
  }

  /**
   * Every domain's part in deleting a repository, in the order they run in its one transaction. Scan
   * comes before the registry: it keeps the results of manifests another repository holds, which it
   * tells from the manifests the registry then removes.
   */
  static void addDeletionParticipants(RepositoryService repositories, Identity identity, ScanService scans,
      ManifestService manifests, BlobService blobs) {
    repositories.addDeletionParticipant(identity.repositories()::forgetGrants);
    repositories.addDeletionParticipant(scans::forgetRepository);
    repositories.addDeletionParticipant(manifests);
    repositories.addDeletionParticipant(blobs);
  }

  /**
   * Who manages which webhooks: system administrators the global ones, a namespace's user and its
   * organization's admins (and system administrators) the namespace's, the repository's admins a
   * repository's; those who may only pull a repository are refused, others do not see it.
   */
  private static WebhookPermissions webhookPermissions(IdentityAccessController access) {
    return (principal, scope) -> switch (scope.kind()) {
      case GLOBAL -> access.isSystemAdmin(principal) ? WebhookPermissions.Access.MANAGE : WebhookPermissions.Access.NONE;
      case NAMESPACE -> access.canManageNamespace(principal, scope.name())
          ? WebhookPermissions.Access.MANAGE : WebhookPermissions.Access.NONE;
      case REPOSITORY -> access.canManage(principal, scope.name()) ? WebhookPermissions.Access.MANAGE
          : access.canPull(principal, scope.name()) ? WebhookPermissions.Access.SEE : WebhookPermissions.Access.NONE;
    };
  }

  /**
   * Who manages which pull gates and allowlists, as for webhooks: system administrators the registry's, a
   * namespace's user and its organization's admins the namespace's, the repository's admins a repository's.
   * Unlike webhooks, every signed-in user may read the registry's and any namespace's gate: a refused pull
   * names them, and whoever may pull a repository may read its gate and allowlist.
   */
  private static GatePermissions gatePermissions(IdentityAccessController access) {
    return (principal, scope) -> switch (scope.kind()) {
      case GLOBAL -> access.isSystemAdmin(principal) ? GatePermissions.Access.MANAGE : GatePermissions.Access.SEE;
      case NAMESPACE -> access.canManageNamespace(principal, scope.name())
          ? GatePermissions.Access.MANAGE : GatePermissions.Access.SEE;
      case REPOSITORY -> access.canManage(principal, scope.name()) ? GatePermissions.Access.MANAGE
          : access.canPull(principal, scope.name()) ? GatePermissions.Access.SEE : GatePermissions.Access.NONE;
    };
  }

  /**
   * Who may manage policies and immutability rules (a repository's admins; a namespace pattern's owner,
   * organization admins and system administrators), and the read and write a promotion needs of its owner.
   */
  private static PolicyPermissions policyPermissions(IdentityAccessController access) {
    return new PolicyPermissions() {
      @Override
      public boolean mayManage(Principal principal, RepositoryScope scope) {
        return scope.isPattern() ? access.canManageNamespace(principal, scope.path())
            : access.canManage(principal, scope.value());
      }

      @Override
      public boolean mayRead(Principal principal, RepositoryName repository) {
        return access.canPull(principal, repository.value());
      }

      @Override
      public boolean mayWrite(Principal principal, RepositoryName repository) {
        return access.canPush(principal, repository.value());
      }
    };
  }

  /**
   * A client pulling through a cache is waiting: an upstream gets one retry, soon, before its cached
   * copy is served instead (a mirror run has time and retries five times).
   */
  private static final int CACHE_ATTEMPTS = 2;
  private static final Duration CACHE_BACKOFF = Duration.ofMillis(200);
  private static final Duration CACHE_MAX_BACKOFF = Duration.ofSeconds(2);

  private static UpstreamConnector upstreamConnector(Configuration config, NetworkPolicy policy, Clock clock,
      int attempts, Duration backoff, Duration maxBackoff) {
    String proxy = config.get(Setting.MIRROR_PROXY);
    String ca = config.get(Setting.MIRROR_CA_FILE);
    try {
      return new UpstreamConnector(new UpstreamSettings(proxy.isEmpty() ? null : URI.create(proxy),
          ca.isEmpty() ? null : Path.of(ca), config.duration(Setting.MIRROR_CONNECT_TIMEOUT),
          config.duration(Setting.MIRROR_READ_TIMEOUT), attempts, backoff, maxBackoff), policy, clock);
    } catch (IllegalArgumentException e) {
      throw new Configuration.InvalidConfiguration(e.getMessage());
    }
  }

  private static java.security.KeyStore tlsKeyStore(Configuration config) {
    return config.get(Setting.TLS_CERTIFICATE).isEmpty() ? null
        : TlsKeyStore.fromPem(Path.of(config.get(Setting.TLS_CERTIFICATE)), Path.of(config.get(Setting.TLS_KEY)));
  }

  /**
   * Re-reads what may change without a restart, on SIGHUP or when the certificate file changes:
   * the TLS certificate and key (for new connections) and the log level.
   */
  public void reload(Configuration changed) {
    String level = changed.get(Setting.LOG_LEVEL);
    applyLogLevel(changed);
    boolean tls = reloadTls(changed);
    this.config = changed;
    log.info("configuration reloaded: log level {}, TLS certificate {}", level,
        tls ? "reloaded from " + changed.get(Setting.TLS_CERTIFICATE) : "not configured");
  }

  /** Sets the root log level; the rest of the logging configuration stays as packaged. */
  public static void applyLogLevel(Configuration config) {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.toLevel(config.get(Setting.LOG_LEVEL)));
  }

  private boolean reloadTls(Configuration changed) {
    var tls = tlsKeyStore(changed);
    if (tls == null) {
      return false;
    }
    try {
      http.reloadTls(tls);
    } catch (Exception e) {
      throw new Configuration.InvalidConfiguration("cannot use the new TLS certificate: " + e.getMessage());
    }
    tlsFilesSeen = tlsFilesVersion(changed);
    return true;
  }

  /** Renewals (certbot, cert-manager) replace the files in place; new connections get the new pair. */
  private void reloadTlsIfChanged() {
    Configuration current = config;
    String version = tlsFilesVersion(current);
    if (version.equals(tlsFilesSeen)) {
      return;
    }
    try {
      reloadTls(current);
      log.info("TLS certificate reloaded from {} after it changed", current.get(Setting.TLS_CERTIFICATE));
    } catch (Configuration.InvalidConfiguration e) {
      // A renewal may replace the two files one after the other: retry at the next check, log once.
      if (!version.equals(tlsFilesFailed)) {
        log.warn("the changed TLS certificate is not usable yet; keeping the previous one: {}", e.getMessage());
        tlsFilesFailed = version;
      }
    }
  }

  private volatile String tlsFilesFailed = "";

  private static String tlsFilesVersion(Configuration config) {
    StringBuilder version = new StringBuilder();
    for (Setting file : List.of(Setting.TLS_CERTIFICATE, Setting.TLS_KEY)) {
      String name = config.get(file);
      if (!name.isEmpty()) {
        try {
          version.append(Files.getLastModifiedTime(Path.of(name)).toMillis()).append(':').append(Files.size(Path.of(name)));
        } catch (IOException e) {
          version.append("missing");
        }
      }
      version.append('/');
    }
    return version.toString();
  }

  private static Path writableDataDir(Configuration config) {
    Path dataDir = config.dataDir();
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new Configuration.InvalidConfiguration("data-dir " + dataDir + " cannot be created: " + e);
    }
    if (!Files.isDirectory(dataDir) || !Files.isWritable(dataDir)) {
      throw new Configuration.InvalidConfiguration("data-dir " + dataDir + " is not a directory this user can write to");
    }
    return dataDir;
  }

  /** A random 256-bit key kept encrypted in the secret store, created on first use. */
  private static byte[] sealedRandomKey(JdbcSecretStore secrets, SecretBox box, String name) {
    var stored = secrets.get(name);
    if (stored.isPresent()) {
      return box.open(name, stored.get());
    }
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    secrets.put(name, box.seal(name, key));
    return key;
  }

  private static OidcSignIn oidcSignIn(Configuration config, SecretBox box, String publicUrl, DirectoryCredentials credentials,
      TokenService tokens, ObjectMapper json) {
    String issuer = config.get(Setting.OIDC_ISSUER);
    if (issuer.isEmpty()) {
      return null;
    }
    String redirect = config.get(Setting.OIDC_REDIRECT_URI).isEmpty()
        ? publicUrl + "/api/v1/auth/oidc/callback" : config.get(Setting.OIDC_REDIRECT_URI);
    try {
      return new OidcSignIn(new OidcClient(OidcSettings.of(URI.create(issuer), config.get(Setting.OIDC_CLIENT_ID),
          config.secret(Setting.OIDC_CLIENT_SECRET, box), URI.create(redirect))), credentials, tokens, box,
          Clock.systemUTC(), json);
    } catch (IllegalArgumentException e) {
      throw new Configuration.InvalidConfiguration("oidc: " + e.getMessage());
    }
  }

  /**
   * Refreshes every LDAP user and their group-mapped teams; users gone from the directory are disabled.
   * A failure fails the job, which the job runner retries.
   */
  static void synchroniseLdap(Identity identity, LdapDirectory ldap, JobHandler.Progress progress) {
    int[] result = identity.users().synchroniseAll(UserSource.LDAP, name -> ldap.lookup(name).map(Portcullis::externalUser));
    progress.update(result[0], result[0], result[0] + " users refreshed, " + result[1] + " disabled");
    log.info("LDAP synchronisation: {} users refreshed, {} disabled", result[0], result[1]);
  }

  private static ExternalUser externalUser(io.portcullis.identity.ldap.LdapUser u) {
    return new ExternalUser(u.username(), UserSource.LDAP, u.dn(), u.displayName(), u.email().orElse(null), u.groups());
  }

  private static LdapDirectory ldapDirectory(Configuration config, SecretBox box) {
    String url = config.get(Setting.LDAP_URL);
    if (url.isEmpty()) {
      return null;
    }
    LdapSettings.Builder settings = LdapSettings.openLdap(url.split(",")[0].trim(), config.get(Setting.LDAP_BIND_DN),
            config.secret(Setting.LDAP_BIND_PASSWORD, box), config.get(Setting.LDAP_USER_SEARCH_BASE))
        .urls(java.util.Arrays.stream(url.split(",")).map(String::trim).toList())
        .startTls(Boolean.parseBoolean(config.get(Setting.LDAP_START_TLS)));
    if (!config.get(Setting.LDAP_USER_SEARCH_FILTER).isEmpty()) {
      settings.userSearchFilter(config.get(Setting.LDAP_USER_SEARCH_FILTER));
    }
    try {
      return new LdapDirectory(settings.build());
    } catch (IllegalArgumentException e) {
      throw new Configuration.InvalidConfiguration("ldap: " + e.getMessage());
    }
  }

  public int port() {
    return http.port();
  }

  /** Users, organizations, teams and permissions of this registry (for embedding and tests). */
  public Identity identity() {
    return identity;
  }

  private static void bootstrapAdmin(BootstrapAdminCredentials admin, Configuration config, java.io.PrintStream console) {
    if (admin.hasPassword()) {
      return;
    }
    String configured = config.get(Setting.ADMIN_PASSWORD);
    if (!configured.isEmpty()) {
      try {
        admin.setPassword(configured);
      } catch (IllegalArgumentException e) {
        throw new Configuration.InvalidConfiguration("admin.password: " + e.getMessage());
      }
      log.info("bootstrap administrator '{}' created with the configured password", config.get(Setting.ADMIN_USERNAME));
      return;
    }
    byte[] random = new byte[18];
    new SecureRandom().nextBytes(random);
    String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    admin.setPassword(generated);
    console.println("Portcullis bootstrap administrator: " + config.get(Setting.ADMIN_USERNAME)
        + " / password (shown once): " + generated);
    console.flush();
    // Also as a log line: where stdout goes to a log pipeline only structured lines are kept.
    log.warn("bootstrap administrator {} created with a generated password (shown once): {}",
        net.logstash.logback.argument.StructuredArguments.value("admin_username", config.get(Setting.ADMIN_USERNAME)),
        net.logstash.logback.argument.StructuredArguments.value("admin_password", generated));
  }

  /** The master key: configured, or kept in DATA_DIR/master.key (created on first use, mode 0600). */
  static byte[] masterKey(Configuration config, Path dataDir) throws IOException {
    String configured = config.get(Setting.MASTER_KEY);
    if (!configured.isEmpty()) {
      byte[] bytes = configured.getBytes(StandardCharsets.UTF_8);
      if (bytes.length < SecretBox.MIN_MASTER_SECRET_BYTES) {
        throw new Configuration.InvalidConfiguration("master-key must be at least "
            + SecretBox.MIN_MASTER_SECRET_BYTES + " bytes");
      }
      return bytes;
    }
    Path file = dataDir.resolve("master.key");
    if (!Files.exists(file)) {
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      Path temp = dataDir.resolve("master.key.tmp");
      Files.deleteIfExists(temp);
      Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(temp, Base64.getEncoder().encodeToString(random));
      try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    return Files.readString(file).trim().getBytes(StandardCharsets.UTF_8);
  }

  private static Set<String> ownHosts(String publicUrl, InetSocketAddress listen) {
    Set<String> hosts = new LinkedHashSet<>();
    if (!publicUrl.isEmpty()) {
      URI uri = URI.create(publicUrl);
      hosts.add(uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort());
    }
    hosts.add("localhost:" + listen.getPort());
    hosts.add("127.0.0.1:" + listen.getPort());
    return hosts;
  }

  /** This process's name in leases: which replica holds what shows in the database. */
  private static String replicaName() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "unknown";
    }
    return host + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** Stops taking requests, lets in-flight ones finish, flushes events and closes the database. */
  @Override
  public void close() throws Exception {
    ready = false;
    tlsWatch.shutdownNow();
    scheduler.close();
    jobs.endWaits();
    http.close();
    jobs.close();
    webhooks.close();
    events.close();
    db.close();
  }
}
