package io.portcullis.policy;

import io.portcullis.scan.ImageScan;
import io.portcullis.scan.inventory.InstalledPackage;
import java.util.List;
import java.util.function.Supplier;

/**
 * What criteria look at for one platform image of a candidate: its stored scan (null when it was never
 * scanned) and, loaded only when a criterion asks, the packages of its stored inventory.
 *
 * @param platform {@code os/arch[/variant]} from the index entry, or null for a lone image manifest
 */
public record ImageFacts(String digest, String platform, ImageScan scan, Supplier<List<InstalledPackage>> packages) {
  /** How reasons name the image. */
  String label() {
    return platform == null ? digest : platform;
  }

  boolean scanned() {
    return scan != null && !scan.status().equals(ImageScan.FAILED);
  }

  /** The installed packages; none in a manifest that is no image. */
  List<InstalledPackage> installed() {
    return noSoftware() ? List.of() : packages.get();
  }

  /** Unsupported manifests (attestations, artifacts) carry no software: nothing to find in them. */
  boolean noSoftware() {
    return scan != null && scan.status().equals(ImageScan.UNSUPPORTED);
  }
}
