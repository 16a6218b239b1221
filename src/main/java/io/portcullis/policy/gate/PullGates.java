package io.portcullis.policy.gate;

import io.portcullis.shared.Scope;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.portcullis.auth.Principal;
import io.portcullis.events.EventType;
import io.portcullis.metadata.Database;
import io.portcullis.metadata.Tx;
import io.portcullis.registry.ManifestService;
import io.portcullis.repository.RepositoryDeletionParticipant;
import io.portcullis.scan.ScanService;
import io.portcullis.scan.match.Finding;
import io.portcullis.scan.severity.SeverityBucket;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.MediaTypes;
import io.portcullis.shared.RegistryError;
import io.portcullis.shared.RegistryException;
import io.portcullis.shared.RepositoryName;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Pull gates: per registry, namespace and repository, "refuse images with a vulnerability in force at
 * severity X or above" and "refuse images without a successful scan", checked when a client fetches a
 * manifest. Every gate covering a repository applies (a repository's gate adds to its namespace's, it
 * cannot loosen it); exemptions are {@link Exemptions}'. Exempt principals (system administrators) are
 * never refused; the registry's own readers (scanner, promotion, mirroring) do not fetch through the
 * distribution API and so are never gated.
 */
public final class PullGates implements RepositoryDeletionParticipant {
  private static final int IDS_IN_MESSAGE = 5;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Database db;
  private final GateStore store;
  private final Exemptions exemptions;
  private final ManifestService manifests;
  private final Clock clock;
  private final Predicate<Principal> exempt;
  private final Listener listener;
  /** Gates covering a repository; a change on this replica clears it, other replicas see it after the expiry. */
  private final Cache<String, List<PullGate>> gatesByRepository;

  /** Told of every refused pull, so the registry can count them without this package knowing about metrics. */
  @FunctionalInterface
  public interface Listener {
    /** @param reason {@code vulnerabilities} or {@code unscanned} */
    void refused(String reason);
  }

  /**
   * The outcome of checking a manifest against its repository's gates.
   *
   * @param reason null when allowed; else {@code vulnerabilities} or {@code unscanned}
   * @param detail why it is refused, naming the gate's scope ({@code the pull gate of namespace hub refuses …})
   * @param gates  the gates that apply, widest scope first
   */
  public record Verdict(String reason, String detail, List<PullGate> gates) {
    public boolean allowed() {
      return reason == null;
    }

    /** The whole refusal as the client reads it: "pull refused: the pull gate of namespace hub refuses …". */
    public String message() {
      return detail == null ? null : RegistryError.PULL_REFUSED.message() + ": " + detail;
    }
  }

  /**
   * @param exempt    who is never refused (system administrators)
   * @param cacheTime how long a replica may use gates without reading them again
   */
  public PullGates(Database db, GateStore store, Exemptions exemptions, ManifestService manifests, Clock clock,
      Predicate<Principal> exempt, Listener listener, Duration cacheTime) {
    this.db = db;
    this.store = store;
    this.exemptions = exemptions;
    this.manifests = manifests;
    this.clock = clock;
    this.exempt = exempt;
    this.listener = listener;
    this.gatesByRepository = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(cacheTime).build();
  }

  // ---- the check

  /**
   * Refuses a client's fetch of {@code manifest} from {@code repository} with {@code DENIED} when a gate
   * says so and the principal is not exempt.
   *
   * @param who asked only when a gate refuses (it may cost a token verification)
   */
  public void admit(RepositoryName repository, ManifestService.Manifest manifest, Supplier<Principal> who) {
    if (gates(repository).isEmpty()) {
      return;
    }
    Verdict verdict = evaluate(repository, manifest);
    if (!verdict.allowed() && !exempt.test(who.get())) {
      listener.refused(verdict.reason());
      throw RegistryError.PULL_REFUSED.exception(verdict.detail());
    }
  }

  /** What the gates say about {@code manifest}, whoever asks. */
  public Verdict evaluate(RepositoryName repository, ManifestService.Manifest manifest) {
    List<PullGate> gates = gates(repository);
    if (gates.isEmpty() || !gated(manifest)) {
      return new Verdict(null, null, gates);
    }
    return verdict(repository, gates, exemptions.effectiveFindings(repository, manifest),
        digest -> isContainerImage(repository, digest));
  }

  /**
   * The verdict of {@code gates} (widest first) on an image or index's findings: the first gate that refuses
   * one of its images decides. {@code isImage} tells whether an image never scanned is a container image.
   */
  static Verdict verdict(RepositoryName repository, List<PullGate> gates, EffectiveFindings findings,
      Predicate<String> isImage) {
    for (PullGate gate : gates) {
      for (EffectiveFindings.Image image : findings.images()) {
        if (image.unsupported() || (image.scan().isEmpty() && !isImage.test(image.digest()))) {
          continue;
        }
        String which = image.platform() == null ? "" : " in " + image.platform() + " (" + image.digest() + ")";
        if (gate.refuseUnscanned() && !image.scanned()) {
          String state = image.scan().isEmpty() ? "has not been scanned yet"
              : "has no successful scan (" + image.scan().get().status() + ": " + image.scan().get().error() + ")";
          return new Verdict("unscanned", "the pull gate of " + Exemptions.describe(gate.scope()) + " refuses images without a successful "
              + "scan, and the image" + which + " " + state, gates);
        }
        if (gate.minSeverity() != null && image.scanned()) {
          String refusal = vulnerabilities(gate, image.inForce());
          if (refusal != null) {
            return new Verdict("vulnerabilities", "the pull gate of " + Exemptions.describe(gate.scope()) + " refuses " + refusal
                + which + "; see /api/v1/repositories/" + repository + "/manifests/" + image.digest()
                + "/scan/components (an allowlist entry or an OpenVEX not_affected statement exempts a finding)", gates);
          }
        }
      }
    }
    return new Verdict(null, null, gates);
  }

  /** "2 critical and 1 major vulnerabilities (CVE-…, …) at or above major", or null when none is at the gate's level. */
  private static String vulnerabilities(PullGate gate, List<Finding> inForce) {
    Map<String, SeverityBucket> worst = new HashMap<>();
    for (Finding f : inForce) {
      worst.merge(f.vulnerabilityId(), f.severity(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
    }
    List<Map.Entry<String, SeverityBucket>> refused = worst.entrySet().stream().filter(e -> gate.refuses(e.getValue()))
        .sorted(Map.Entry.<String, SeverityBucket>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()))
        .toList();
    if (refused.isEmpty()) {
      return null;
    }
    Map<SeverityBucket, Integer> bySeverity = new EnumMap<>(SeverityBucket.class);
    refused.forEach(e -> bySeverity.merge(e.getValue(), 1, Integer::sum));
    List<String> parts = new ArrayList<>();
    for (SeverityBucket s : List.of(SeverityBucket.CRITICAL, SeverityBucket.MAJOR, SeverityBucket.MINOR)) {
      if (bySeverity.containsKey(s)) {
        parts.add(bySeverity.get(s) + " " + s.name().toLowerCase(Locale.ROOT));
      }
    }
    List<String> ids = refused.stream().limit(IDS_IN_MESSAGE).map(Map.Entry::getKey).toList();
    String more = refused.size() > IDS_IN_MESSAGE ? ", and " + (refused.size() - IDS_IN_MESSAGE) + " more" : "";
    return String.join(" and ", parts) + (refused.size() == 1 ? " vulnerability" : " vulnerabilities") + " ("
        + String.join(", ", ids) + more + ") at or above " + gate.minSeverity().name().toLowerCase(Locale.ROOT);
  }

  /**
   * Images and indexes are gated; other manifests (signatures, SBOMs, VEX documents and other artifacts) are
   * not, so that verifying an image stays possible whatever its findings.
   */
  private static boolean gated(ManifestService.Manifest manifest) {
    return MediaTypes.isIndex(manifest.mediaType()) || isContainerImage(manifest);
  }

  private boolean isContainerImage(RepositoryName repository, String digest) {
    try {
      return isContainerImage(manifests.get(repository, new ManifestService.ByDigest(Digest.parse(digest)), false,
          Caller.SYSTEM));
    } catch (RegistryException missing) {
      // An index child that is not stored cannot be pulled either.
      return false;
    }
  }

  private static boolean isContainerImage(ManifestService.Manifest manifest) {
    if (!MediaTypes.isImageManifest(manifest.mediaType())) {
      return false;
    }
    try {
      JsonNode root = JSON.readTree(manifest.payload());
      return ScanService.isContainerImage(manifest.mediaType(), root.path("config").path("mediaType").asText());
    } catch (IOException e) {
      return false;
    }
  }

  private List<PullGate> gates(RepositoryName repository) {
    return gatesByRepository.get(repository.value(),
        r -> db.readOnly(tx -> store.gates(tx, Scope.covering(repository))).stream()
            .sorted(Comparator.comparing(g -> g.scope().kind())).toList());
  }

  // ---- management

  public Optional<PullGate> get(Principal who, Scope scope) {
    exemptions.require(who, scope, GatePermissions.Access.SEE);
    return db.readOnly(tx -> store.gates(tx, List.of(scope))).stream().findFirst();
  }

  /** Sets the scope's gate; at least one rule must be on (a gate that refuses nothing is deleted instead). */
  public PullGate set(Principal who, Scope scope, SeverityBucket minSeverity, boolean refuseUnscanned) {
    exemptions.require(who, scope, GatePermissions.Access.MANAGE);
    if (minSeverity == null && !refuseUnscanned) {
      throw GateException.invalid("a pull gate needs minSeverity or refuseUnscanned; to lift the gate, delete it");
    }
    PullGate gate = new PullGate(scope, minSeverity, refuseUnscanned, Exemptions.actor(who), clock.instant());
    db.inTransaction(tx -> {
      store.putGate(tx, gate);
      Map<String, String> detail = new LinkedHashMap<>();
      detail.put("minSeverity", minSeverity == null ? "" : minSeverity.name().toLowerCase(Locale.ROOT));
      detail.put("refuseUnscanned", Boolean.toString(refuseUnscanned));
      exemptions.record(tx, who, EventType.PULL_GATE_SET, null, scope, detail);
      return null;
    });
    gatesByRepository.invalidateAll();
    return gate;
  }

  public void delete(Principal who, Scope scope) {
    exemptions.require(who, scope, GatePermissions.Access.MANAGE);
    boolean deleted = db.inTransaction(tx -> {
      boolean gone = store.deleteGate(tx, scope);
      if (gone) {
        exemptions.record(tx, who, EventType.PULL_GATE_DELETED, null, scope, Map.of());
      }
      return gone;
    });
    gatesByRepository.invalidateAll();
    if (!deleted) {
      throw GateException.notFound(Exemptions.describe(scope) + " has no pull gate");
    }
  }

  /** A deleted repository's gate and allowlist go with it: a repository created later under the name starts clean. */
  @Override
  public void onDelete(Tx tx, RepositoryName repository) {
    store.deleteRepository(tx, repository);
    gatesByRepository.invalidateAll();
    exemptions.invalidate();
  }
}
