package io.portcullis.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.metadata.Database;
import io.portcullis.registry.ManifestService;
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
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Loads what criteria judge: a tag's manifest and, per platform image, its stored scan and (when a
 * criterion asks) its inventory. Promotion and pruning policies judge tags through it alike.
 */
public final class Candidates {
  private final Database db;
  private final ManifestService manifests;
  private final ScanService scans;
  private final ObjectMapper json;
  private final Clock clock;

  public Candidates(Database db, ManifestService manifests, ScanService scans, ObjectMapper json, Clock clock) {
    this.db = db;
    this.manifests = manifests;
    this.scans = scans;
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
        images.add(facts(child.path("digest").asText(), platform, withScans));
      }
    } else {
      images.add(facts(m.digest().toString(), null, withScans));
    }
    return Optional.of(new Candidate(repository, tag, m.digest(), m.mediaType(), images, clock.instant()));
  }

  private ImageFacts facts(String digest, String platform, boolean withScans) {
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
    return new ImageFacts(digest, platform, withScans ? scans.result(digest).orElse(null) : null, packages);
  }
}
