package io.portcullis.scan;

import io.portcullis.metadata.Tx;
import io.portcullis.scan.inventory.LayerInventory;
import io.portcullis.scan.match.Finding;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** Storage of image scans and of the layer inventories they are built from (shared by every image with the layer). */
public interface ScanStore {
  /** Stores {@code scan}, replacing an earlier scan of the same image. */
  void putScan(Tx tx, ImageScan scan);

  Optional<ImageScan> findScan(Tx tx, String digest);

  /** Whether the image has a successful scan. */
  boolean hasSucceeded(Tx tx, String digest);

  /** Deletes the scans of these images. */
  void deleteScans(Tx tx, List<String> digests);

  long countSucceeded(Tx tx);

  /** Up to {@code limit} successful scans with digests after {@code after}, in digest order: what a re-match reads. */
  List<Matched> succeededAfter(Tx tx, String after, int limit);

  /** Stores new findings of successfully scanned images: version, counts, findings and match time of each. */
  void updateMatches(Tx tx, List<ImageScan> matches);

  /**
   * The inventory of {@code layer} made by analyzers of {@code analyzerVersion}; empty when there is
   * none, or only one of another version.
   *
   * @throws IOException when the stored inventory cannot be read
   */
  Optional<LayerInventory> findInventory(Tx tx, String layer, int analyzerVersion) throws IOException;

  /** Stores the inventory of its layer, replacing one of any analyzer version. */
  void putInventory(Tx tx, LayerInventory inventory, int analyzerVersion, long now);

  /** A successfully scanned image: its layers, bottom first, and what was found in them. */
  record Matched(String digest, List<String> layers, List<Finding> findings) {}
}
