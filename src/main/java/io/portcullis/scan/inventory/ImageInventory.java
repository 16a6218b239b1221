package io.portcullis.scan.inventory;

import io.portcullis.scan.layer.LayerPaths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The software of an image's final filesystem, built from its layers' inventories.
 *
 * @param packages  packages present in the final filesystem, each attributed to the layer that
 *                  introduced it, distro packages carrying the image's OS ecosystem
 * @param osRelease the image's OS release, or null when none was recognised
 */
public record ImageInventory(List<InstalledPackage> packages, OsRelease osRelease) {

  public ImageInventory {
    packages = List.copyOf(packages);
  }

  /**
   * Applies the layers bottom to top the way an overlay filesystem does:
   * <ul>
   *   <li>a layer's whiteouts and opaque directories drop lower-layer files at or under them;</li>
   *   <li>a file a layer analysed (or put a link at) replaces the lower-layer file at that path, with
   *       all the packages read from it;</li>
   *   <li>a package still present in the replacing file with the same identity keeps the layer that
   *       first introduced it (a dpkg status rewritten by a later layer does not re-attribute the
   *       packages it already listed);</li>
   *   <li>the topmost OS release whose file survives is the image's OS; distro packages get its
   *       ecosystem.</li>
   * </ul>
   *
   * @param layers in manifest order, base layer first
   */
  public static ImageInventory merge(List<LayerInventory> layers) {
    Map<String, List<InstalledPackage>> byFile = new LinkedHashMap<>();
    // Insertion order = layer order, so the last surviving entry is the topmost OS release.
    Map<String, OsRelease> releases = new LinkedHashMap<>();
    for (LayerInventory layer : layers) {
      for (String opaque : layer.opaqueDirectories()) {
        removeUnder(byFile.keySet(), opaque, true);
        removeUnder(releases.keySet(), opaque, true);
      }
      for (String whiteout : layer.whiteouts()) {
        removeUnder(byFile.keySet(), whiteout, false);
        removeUnder(releases.keySet(), whiteout, false);
      }
      Map<String, List<InstalledPackage>> found = groupByFile(layer.packages());
      for (String file : layer.analyzedFiles()) {
        List<InstalledPackage> now = found.getOrDefault(file, List.of());
        List<InstalledPackage> before = byFile.remove(file);
        byFile.put(file, before == null ? now : keepIntroducingLayer(now, before));
        releases.remove(file);
      }
      if (layer.osRelease() != null) {
        releases.put(layer.osRelease().path(), layer.osRelease());
      }
    }
    OsRelease os = null;
    for (OsRelease release : releases.values()) {
      os = release;
    }
    List<InstalledPackage> packages = new ArrayList<>();
    for (List<InstalledPackage> filePackages : byFile.values()) {
      for (InstalledPackage pkg : filePackages) {
        packages.add(pkg.resolveDistro(os));
      }
    }
    return new ImageInventory(packages, os);
  }

  /** Path of the layer file a package was read from: nested archive paths ({@code a.jar!/b.jar}) cut. */
  static String layerFile(InstalledPackage pkg) {
    String path = pkg.path() == null ? "" : pkg.path();
    int nested = path.indexOf("!/");
    return nested < 0 ? path : path.substring(0, nested);
  }

  private static Map<String, List<InstalledPackage>> groupByFile(List<InstalledPackage> packages) {
    Map<String, List<InstalledPackage>> grouped = new HashMap<>();
    for (InstalledPackage pkg : packages) {
      grouped.computeIfAbsent(layerFile(pkg), file -> new ArrayList<>()).add(pkg);
    }
    return grouped;
  }

  private static List<InstalledPackage> keepIntroducingLayer(List<InstalledPackage> now,
      List<InstalledPackage> before) {
    Map<String, String> introducedBy = new HashMap<>();
    for (InstalledPackage pkg : before) {
      introducedBy.putIfAbsent(identity(pkg), pkg.layerDigest());
    }
    List<InstalledPackage> merged = new ArrayList<>(now.size());
    for (InstalledPackage pkg : now) {
      String layer = introducedBy.get(identity(pkg));
      merged.add(layer == null ? pkg : pkg.withLayer(layer));
    }
    return merged;
  }

  private static String identity(InstalledPackage pkg) {
    return pkg.ecosystem() + '\n' + pkg.name() + '\n' + pkg.version() + '\n' + pkg.purl() + '\n' + pkg.path();
  }

  /** Drops the paths a whiteout deletes, or (opaque directory) the lower contents of a directory. */
  private static void removeUnder(Collection<String> paths, String dir, boolean contentsOnly) {
    paths.removeIf(path -> LayerPaths.isAtOrUnder(path, dir) && !(contentsOnly && path.equals(dir)));
  }
}
