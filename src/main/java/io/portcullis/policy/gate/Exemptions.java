package io.portcullis.policy.gate;

import io.portcullis.shared.Scope;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.portcullis.auth.Principal;
import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventType;
import io.portcullis.metadata.Database;
import io.portcullis.metadata.Tx;
import io.portcullis.registry.BlobService;
import io.portcullis.registry.ManifestService;
import io.portcullis.scan.ImageScan;
import io.portcullis.scan.ScanService;
import io.portcullis.scan.match.Finding;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.MediaTypes;
import io.portcullis.shared.RegistryException;
import io.portcullis.shared.RepositoryName;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exemptions from vulnerability findings, and the findings that remain: CVE allowlist entries of the
 * registry, a namespace or a repository (with justification and expiry), and OpenVEX documents attached
 * to an image as referrers. {@link #effectiveFindings} is what gates, promotion and the API count.
 */
public final class Exemptions {
  private static final Logger log = LoggerFactory.getLogger(Exemptions.class);
  /** At most this many entries per scope: an allowlist is a list of accepted risks, not a feed. */
  static final int MAX_ENTRIES = 1000;
  static final int MAX_JUSTIFICATION = 2000;
  /** Larger VEX documents are not read. */
  static final int MAX_VEX_BYTES = 1024 * 1024;
  private static final Pattern VULNERABILITY_ID = Pattern.compile("[A-Za-z][A-Za-z0-9._:-]{2,99}");
  private static final Pattern CVE_ID = Pattern.compile("(?i)CVE-\\d{4}-\\d{4,}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Database db;
  private final GateStore store;
  private final ScanService scans;
  private final ManifestService manifests;
  private final BlobService blobs;
  private final EventLog events;
  private final GatePermissions permissions;
  private final Clock clock;
  private final Supplier<Caller> origin;
  /** Allowlist entries applying to a repository; a change on this replica clears it, others see it after the expiry. */
  private final Cache<String, List<AllowlistEntry>> entriesByRepository;
  /** Statements of a VEX referrer by its digest: content-addressed, so never stale. */
  private final Cache<String, List<OpenVex.Statement>> statementsByDocument = Caffeine.newBuilder()
      .maximumSize(10_000).build();

  /**
   * @param origin    the client address and request id of the request being served (the web layer's)
   * @param cacheTime how long a replica may use allowlist entries without reading them again
   */
  public Exemptions(Database db, GateStore store, ScanService scans, ManifestService manifests, BlobService blobs,
      EventLog events, GatePermissions permissions, Clock clock, Supplier<Caller> origin, Duration cacheTime) {
    this.db = db;
    this.store = store;
    this.scans = scans;
    this.manifests = manifests;
    this.blobs = blobs;
    this.events = events;
    this.permissions = permissions;
    this.clock = clock;
    this.origin = origin;
    this.entriesByRepository = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(cacheTime).build();
  }

  // ---- effective findings

  /**
   * The findings of a manifest of {@code repository} (each platform of an index) with allowlist entries
   * and OpenVEX statements applied: findings stay listed, suppressed ones marked with the reason, and
   * {@link EffectiveFindings#counts()} counts only those in force.
   */
  public EffectiveFindings effectiveFindings(RepositoryName repository, ManifestService.Manifest manifest) {
    String digest = manifest.digest().toString();
    List<AllowlistEntry> entries = entries(repository);
    List<EffectiveFindings.Image> images = new ArrayList<>();
    if (MediaTypes.isIndex(manifest.mediaType())) {
      for (Map.Entry<String, String> child : platforms(manifest).entrySet()) {
        images.add(image(repository, child.getKey(), child.getValue(), List.of(child.getKey(), digest), entries));
      }
    } else {
      List<String> known = new ArrayList<>(List.of(digest));
      known.addAll(db.readOnly(tx -> store.indexesHolding(tx, repository, digest)));
      images.add(image(repository, digest, null, known, entries));
    }
    return new EffectiveFindings(images);
  }

  /** {@link #effectiveFindings(RepositoryName, ManifestService.Manifest)} of a stored manifest, by digest. */
  public EffectiveFindings effectiveFindings(RepositoryName repository, Digest manifest) {
    return effectiveFindings(repository, manifests.get(repository, new ManifestService.ByDigest(manifest), false,
        Caller.SYSTEM));
  }

  /**
   * @param digests the image's digest and those of the indexes holding it: VEX documents attached to any of
   *                them, and products naming any of them, speak about the image
   */
  private EffectiveFindings.Image image(RepositoryName repository, String digest, String platform,
      List<String> digests, List<AllowlistEntry> entries) {
    Optional<ImageScan> scan = scans.result(digest);
    if (scan.isEmpty() || !scan.get().status().equals(ImageScan.SUCCEEDED) || scan.get().findings().isEmpty()) {
      return new EffectiveFindings.Image(digest, platform, scan, List.of());
    }
    List<EffectiveFindings.Assessed> assessed = assess(scan.get().findings(), entries,
        () -> statements(repository, digests), digests, clock.instant());
    return new EffectiveFindings.Image(digest, platform, scan, assessed);
  }

  /**
   * Each finding with the exemption that suppresses it: an allowlist entry in force, else the decisive OpenVEX
   * statement when it says not_affected with a justification. {@code statements} is read only when needed.
   */
  static List<EffectiveFindings.Assessed> assess(List<Finding> findings, List<AllowlistEntry> entries,
      Supplier<List<OpenVex.Statement>> statements, List<String> digests, Instant now) {
    List<OpenVex.Statement> read = null;
    List<EffectiveFindings.Assessed> assessed = new ArrayList<>();
    for (Finding finding : findings) {
      EffectiveFindings.Suppression suppression = allowlisted(entries, finding, now);
      if (suppression == null) {
        if (read == null) {
          read = statements.get();
        }
        suppression = OpenVex.decisive(read, finding, digests).filter(OpenVex.Statement::suppresses)
            .map(s -> new EffectiveFindings.Suppression(EffectiveFindings.Suppression.Source.OPENVEX,
                "not_affected (" + s.justification() + ") per OpenVEX document " + s.document()
                    + (s.impactStatement() == null ? "" : ": " + s.impactStatement())))
            .orElse(null);
      }
      assessed.add(new EffectiveFindings.Assessed(finding, suppression));
    }
    return assessed;
  }

  private static EffectiveFindings.Suppression allowlisted(List<AllowlistEntry> entries, Finding finding, Instant now) {
    for (AllowlistEntry e : entries) {
      if (e.covers(finding, now)) {
        return new EffectiveFindings.Suppression(EffectiveFindings.Suppression.Source.ALLOWLIST,
            "allowlisted for " + describe(e.scope()) + " (entry " + e.id() + " by " + e.createdBy() + ", until " + e.expiresAt()
                + "): " + e.justification());
      }
    }
    return null;
  }

  /** Child digest → platform name of an index, in index order. */
  private static Map<String, String> platforms(ManifestService.Manifest index) {
    Map<String, String> platforms = new LinkedHashMap<>();
    for (JsonNode child : readJson(index.payload()).path("manifests")) {
      JsonNode p = child.path("platform");
      String name = p.isMissingNode() ? "unknown" : p.path("os").asText() + "/" + p.path("architecture").asText()
          + (p.hasNonNull("variant") ? "/" + p.path("variant").asText() : "");
      platforms.putIfAbsent(child.path("digest").asText(), name);
    }
    return platforms;
  }

  /** The statements of every OpenVEX document attached to one of {@code subjects} in the repository. */
  private List<OpenVex.Statement> statements(RepositoryName repository, List<String> subjects) {
    List<OpenVex.Statement> all = new ArrayList<>();
    for (String subject : subjects) {
      for (ManifestService.Referrer referrer : manifests.referrers(repository, Digest.parse(subject), null)) {
        all.addAll(statementsByDocument.get(referrer.digest(), d -> read(repository, referrer)));
      }
    }
    return all;
  }

  /**
   * The statements of a referrer: an artifact of type OpenVEX (every layer is a document), or any other
   * manifest's layers of the OpenVEX media type. Unreadable documents count as saying nothing (logged).
   */
  private List<OpenVex.Statement> read(RepositoryName repository, ManifestService.Referrer referrer) {
    boolean vexArtifact = OpenVex.MEDIA_TYPE.equals(referrer.artifactType());
    try {
      ManifestService.Manifest m = manifests.get(repository, new ManifestService.ByDigest(Digest.parse(referrer.digest())),
          false, Caller.SYSTEM);
      List<OpenVex.Statement> statements = new ArrayList<>();
      for (JsonNode layer : readJson(m.payload()).path("layers")) {
        if (vexArtifact || OpenVex.MEDIA_TYPE.equals(layer.path("mediaType").asText())) {
          long size = layer.path("size").asLong();
          if (size > MAX_VEX_BYTES) {
            log.warn("OpenVEX document {} in {} is larger than {} bytes: ignored", referrer.digest(), repository,
                MAX_VEX_BYTES);
            continue;
          }
          byte[] bytes;
          try (InputStream in = blobs.open(repository, Digest.parse(layer.path("digest").asText())).openStream()) {
            bytes = in.readNBytes(MAX_VEX_BYTES);
          }
          statements.addAll(OpenVex.parse(bytes, referrer.digest(), statements.size()));
        }
      }
      return statements;
    } catch (IOException | RegistryException | UncheckedIOException | IllegalArgumentException e) {
      log.warn("OpenVEX document {} in {} not read: {}", referrer.digest(), repository, e.getMessage());
      return List.of();
    }
  }

  private static JsonNode readJson(byte[] payload) {
    try {
      return JSON.readTree(payload);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<AllowlistEntry> entries(RepositoryName repository) {
    return entriesByRepository.get(repository.value(),
        r -> db.readOnly(tx -> store.entries(tx, Scope.covering(repository))));
  }

  // ---- allowlist management

  /** A new entry as asked for. */
  public record NewEntry(String vulnerabilityId, String packageName, Instant expiresAt, String justification) {}

  public List<AllowlistEntry> list(Principal who, Scope scope) {
    require(who, scope, GatePermissions.Access.SEE);
    return db.readOnly(tx -> store.entries(tx, List.of(scope)));
  }

  public AllowlistEntry get(Principal who, long id) {
    if (who.kind() == Principal.Kind.ANONYMOUS) {
      throw new GateException(GateException.Reason.FORBIDDEN, "sign in to see or change pull gates and allowlists");
    }
    AllowlistEntry entry = db.readOnly(tx -> store.entry(tx, id))
        .orElseThrow(() -> GateException.notFound("no allowlist entry " + id));
    if (permissions.of(who, entry.scope()) == GatePermissions.Access.NONE) {
      throw GateException.notFound("no allowlist entry " + id);
    }
    return entry;
  }

  public AllowlistEntry add(Principal who, Scope scope, NewEntry asked) {
    require(who, scope, GatePermissions.Access.MANAGE);
    Instant now = clock.instant();
    String id = asked.vulnerabilityId();
    if (id == null || !VULNERABILITY_ID.matcher(id).matches()
        || (id.regionMatches(true, 0, "CVE-", 0, 4) && !CVE_ID.matcher(id).matches())) {
      throw GateException.invalid("vulnerabilityId must be a vulnerability id such as CVE-2021-44228 or GHSA-…");
    }
    if (asked.packageName() != null && (asked.packageName().isBlank() || asked.packageName().length() > 255)) {
      throw GateException.invalid("package must be 1-255 characters, or absent for any package");
    }
    if (asked.expiresAt() == null) {
      throw GateException.invalid("expiresAt is required: an accepted risk is reviewed again when it expires");
    }
    if (!asked.expiresAt().isAfter(now)) {
      throw GateException.invalid("expiresAt " + asked.expiresAt() + " is not in the future");
    }
    String justification = asked.justification() == null ? "" : asked.justification().strip();
    if (justification.isEmpty() || justification.length() > MAX_JUSTIFICATION) {
      throw GateException.invalid("justification is required (at most " + MAX_JUSTIFICATION + " characters)");
    }
    AllowlistEntry entry = db.inTransaction(tx -> {
      if (store.countEntries(tx, scope) >= MAX_ENTRIES) {
        throw GateException.invalid(describe(scope) + " already has " + MAX_ENTRIES + " allowlist entries");
      }
      AllowlistEntry draft = new AllowlistEntry(0, scope, id.toUpperCase(java.util.Locale.ROOT), asked.packageName(),
          asked.expiresAt(), justification, actor(who), now);
      long created = store.insertEntry(tx, draft);
      Map<String, String> detail = new LinkedHashMap<>();
      detail.put("vulnerabilityId", draft.vulnerabilityId());
      if (draft.packageName() != null) {
        detail.put("package", draft.packageName());
      }
      detail.put("expiresAt", draft.expiresAt().toString());
      detail.put("justification", justification);
      record(tx, who, EventType.ALLOWLIST_ENTRY_ADDED, created, scope, detail);
      return new AllowlistEntry(created, scope, draft.vulnerabilityId(), draft.packageName(), draft.expiresAt(),
          justification, draft.createdBy(), now);
    });
    entriesByRepository.invalidateAll();
    return entry;
  }

  public void remove(Principal who, long id) {
    AllowlistEntry entry = get(who, id);
    require(who, entry.scope(), GatePermissions.Access.MANAGE);
    db.inTransaction(tx -> {
      if (store.deleteEntry(tx, id)) {
        record(tx, who, EventType.ALLOWLIST_ENTRY_REMOVED, id, entry.scope(),
            Map.of("vulnerabilityId", entry.vulnerabilityId()));
      }
      return null;
    });
    entriesByRepository.invalidateAll();
  }

  /** Forgets cached entries after a change this replica made. */
  void invalidate() {
    entriesByRepository.invalidateAll();
  }

  void require(Principal who, Scope scope, GatePermissions.Access needed) {
    if (who.kind() == Principal.Kind.ANONYMOUS) {
      throw new GateException(GateException.Reason.FORBIDDEN, "sign in to see or change pull gates and allowlists");
    }
    GatePermissions.Access held = permissions.of(who, scope);
    if (held == GatePermissions.Access.MANAGE || held == needed) {
      return;
    }
    if (held == GatePermissions.Access.NONE && scope.kind() == Scope.Kind.REPOSITORY) {
      throw GateException.notFound("repository " + scope.name() + " not found");
    }
    throw new GateException(GateException.Reason.FORBIDDEN, switch (scope.kind()) {
      case REPOSITORY -> "only administrators of repository " + scope.name() + " may change its pull gate and allowlist";
      case NAMESPACE -> "only the owner of namespace " + scope.name() + ", its organization's administrators and system "
          + "administrators may change its pull gate and allowlist";
      case GLOBAL -> "only system administrators may change the registry's pull gate and allowlist";
    });
  }

  void record(Tx tx, Principal who, EventType type, Object id, Scope scope, Map<String, String> detail) {
    Caller from = origin.get();
    Map<String, String> facts = new LinkedHashMap<>(detail);
    facts.put("scope", scope.toString());
    String target = type == EventType.PULL_GATE_SET || type == EventType.PULL_GATE_DELETED ? "pull gate of " + describe(scope)
        : "allowlist entry " + id;
    events.append(tx, Event.change(type, clock.instant(), new Caller(actor(who), from.client(), from.requestId()),
        target, scope.kind() == Scope.Kind.REPOSITORY ? RepositoryName.of(scope.name()) : null, facts));
  }

  /** A scope as messages name it: "the registry", "namespace hub", "repository hub/app". */
  public static String describe(Scope scope) {
    return scope.kind() == Scope.Kind.GLOBAL ? "the registry" : scope.toString();
  }

  static String actor(Principal who) {
    return who.kind() == Principal.Kind.ANONYMOUS ? "anonymous" : who.subject();
  }
}
