package io.portcullis.scan.analyzer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.scan.inventory.LayerInventory;
import io.portcullis.scan.layer.LayerLimits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the shared fixture OCI layouts directly: index → (index →) manifest → layer blobs. */
final class OciLayouts {

  private static final ObjectMapper JSON = new ObjectMapper();

  private OciLayouts() {}

  static Path images() {
    String shared = System.getProperty("portcullis.shared");
    Path root = shared != null ? Path.of(shared) : Path.of("").toAbsolutePath().resolveSibling("shared");
    return root.resolve("fixtures/images");
  }

  /** Layer digests of each platform manifest, keyed "os/arch[/variant]". */
  static Map<String, List<String>> layersByPlatform(String layout) throws IOException {
    Path dir = images().resolve(layout);
    Map<String, List<String>> result = new LinkedHashMap<>();
    collect(dir, JSON.readTree(dir.resolve("index.json").toFile()), null, result);
    return result;
  }

  private static void collect(Path dir, JsonNode index, String platform, Map<String, List<String>> result)
      throws IOException {
    for (JsonNode descriptor : index.path("manifests")) {
      JsonNode document = JSON.readTree(blob(dir, descriptor.path("digest").asText()).toFile());
      JsonNode p = descriptor.path("platform");
      String name = p.isMissingNode() ? platform
          : p.path("os").asText() + "/" + p.path("architecture").asText()
              + (p.has("variant") ? "/" + p.path("variant").asText() : "");
      if (document.has("manifests")) {
        collect(dir, document, name, result);
      } else {
        List<String> layers = new ArrayList<>();
        for (JsonNode layer : document.path("layers")) {
          layers.add(layer.path("digest").asText());
        }
        result.put(name, layers);
      }
    }
  }

  static Path blob(Path layoutDir, String digest) {
    return layoutDir.resolve("blobs").resolve(digest.replace(':', '/'));
  }

  static List<LayerInventory> scan(String layout, List<String> layers) throws IOException {
    LayerScanner scanner = LayerScanner.standard();
    List<LayerInventory> inventories = new ArrayList<>();
    for (String digest : layers) {
      try (InputStream in = Files.newInputStream(blob(images().resolve(layout), digest))) {
        inventories.add(scanner.scan(in, digest, LayerLimits.defaults()));
      }
    }
    return inventories;
  }
}
