package io.portcullis.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.metadata.Database;
import io.portcullis.policy.gate.EffectiveFindings;
import io.portcullis.policy.gate.Exemptions;
import io.portcullis.registry.ManifestService;
import io.portcullis.scan.ImageScan;
import io.portcullis.scan.ScanService;
import io.portcullis.scan.inventory.ImageInventory;
import io.portcullis.scan.inventory.InstalledPackage;
import io.portcullis.shared.MediaTypes;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.Tag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Loads what criteria judge: a tag's manifest and, per platform image, its stored scan with the
 * exemptions applied and (when a criterion asks) its inventory. Promotion and pruning policies judge
 * tags through it alike.
 */
public final class Candidates {
  private final Database db;
  private final ManifestService manifests;
  private final ScanService scans;
  private final Exemptions exemptions;
  private final ObjectMapper json;
  private final Clock clock;

  public Candidates(Database db, ManifestService manifests, ScanService scans, Exemptions exemptions, ObjectMapper json,
      Clock clock) {
    this.db = db;
    this.manifests = manifests;
    this.scans = scans;
    this.exemptions = exemptions;
    this.json = json;
    this.clock = clock;
  }

  /** The tag as criteria see it now; empty when it is gone. {@code withScans} false skips the scan reads. */
  public Optional<Candidate> load(RepositoryName repository, Tag tag, boolean withScans) {
    Optional<ManifestService.Manifest> manifest = db.readOnly(tx -> manifests.tagDigest(tx, repository, tag)
        .flatMap(d -> manifests.find(tx, repository, d)));
    if (manifest.isEmpty()) {
      return Optional.empty();
    }
    ManifestService.Manifest m = manifest.get();
    Map<String, ImageScan> effective = withScans ? effectiveScans(repository, m) : Map.of();
    List<ImageFacts> images = new ArrayList<>();
    if (MediaTypes.isIndex(m.mediaType())) {
      JsonNode index;
      try {
        index = json.readTree(m.payload());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (JsonNode child : index.path("manifests")) {
        JsonNode p = child.path("platform");
        String platform = p.isMissingNode() ? "unknown" : p.path("os").asText() + "/" + p.path("architecture").asText()
            + (p.hasNonNull("variant") ? "/" + p.path("variant").asText() : "");
        images.add(facts(child.path("digest").asText(), platform, effective));
      }
    } else {
      images.add(facts(m.digest().toString(), null, effective));
    }
    return Optional.of(new Candidate(repository, tag, m.digest(), m.mediaType(), images, clock.instant()));
  }

  /**
   * Each platform image's stored scan as criteria must see it: with the allowlist entries and OpenVEX
   * statements that apply to the image in this repository taken out of its findings and counts, as
   * the pull gates and the scan views see them.
   */
  private Map<String, ImageScan> effectiveScans(RepositoryName repository, ManifestService.Manifest manifest) {
    Map<String, ImageScan> scans = new HashMap<>();
    for (EffectiveFindings.Image image : exemptions.effectiveFindings(repository, manifest).images()) {
      image.scan().ifPresent(s -> scans.put(image.digest(), !image.scanned() ? s : new ImageScan(s.digest(), s.status(),
          s.error(), s.layers(), s.history(), s.os(), s.vulndbVersion(), image.counts(), image.inForce(), s.scannedAt(),
          s.matchedAt())));
    }
    return scans;
  }

  private ImageFacts facts(String digest, String platform, Map<String, ImageScan> effective) {
    Supplier<List<InstalledPackage>> packages = new Supplier<>() {
      private List<InstalledPackage> loaded;

      @Override
      public List<InstalledPackage> get() {
        if (loaded == null) {
          try {
            loaded = scans.inventory(digest).map(ImageInventory::packages).orElse(List.of());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
        return loaded;
      }
    };
    return new ImageFacts(digest, platform, effective.get(digest), packages);
  }
}
