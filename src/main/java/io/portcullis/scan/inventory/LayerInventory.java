package io.portcullis.scan.inventory;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one layer contributes to any image that contains it. It depends only on the layer's bytes, so it
 * is stored by layer digest and reused by every image sharing the layer; {@link ImageInventory#merge}
 * combines the inventories of an image's layers. Distro packages in it may still await the OS release
 * ({@link InstalledPackage#awaitsDistro()}).
 *
 * @param layerDigest       digest of the (compressed) layer blob
 * @param packages          packages found, each with the path of the file it was read from
 * @param analyzedFiles     every path whose content an analyzer read, with or without packages, plus
 *                          links at such paths: in an image they replace whatever lower layers had there
 * @param whiteouts         paths this layer deletes from the layers below ({@code .wh.<name>})
 * @param opaqueDirectories directories whose lower-layer contents this layer hides ({@code .wh..wh..opq})
 * @param symlinks          symbolic links at paths an analyzer would read, to their resolved target
 * @param hardlinks         hard links at paths an analyzer would read, to their target entry
 * @param osRelease         OS release stated by this layer's release files, or null
 * @param skipped           entries left out of the analysis, with the reason (escaping paths, oversized
 *                          or malformed files): a scan that could not see something says so
 */
public record LayerInventory(
    String layerDigest,
    List<InstalledPackage> packages,
    List<String> analyzedFiles,
    List<String> whiteouts,
    List<String> opaqueDirectories,
    Map<String, String> symlinks,
    Map<String, String> hardlinks,
    OsRelease osRelease,
    List<SkippedEntry> skipped) {

  /** Built on first use: scanning alone should not pay for Jackson's start-up. */
  private static final class Json {
    static final ObjectMapper MAPPER = JsonMapper.builder()
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .build();
  }

  /** An entry the analysis did not cover. */
  public record SkippedEntry(String path, String reason) {}

  public LayerInventory {
    Objects.requireNonNull(layerDigest, "layerDigest");
    packages = List.copyOf(packages);
    analyzedFiles = List.copyOf(analyzedFiles);
    whiteouts = List.copyOf(whiteouts);
    opaqueDirectories = List.copyOf(opaqueDirectories);
    symlinks = Map.copyOf(symlinks);
    hardlinks = Map.copyOf(hardlinks);
    skipped = List.copyOf(skipped);
  }

  /** JSON form for storage by layer digest; {@link #fromJson} reads it back. */
  public String toJson() {
    try {
      return Json.MAPPER.writeValueAsString(this);
    } catch (IOException e) {
      throw new UncheckedIOException("layer inventory is always serialisable", e);
    }
  }

  public static LayerInventory fromJson(String json) throws IOException {
    return Json.MAPPER.readValue(json, LayerInventory.class);
  }
}
