package io.portcullis.scan.analyzer;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.scan.inventory.InstalledPackage;
import io.portcullis.scan.inventory.PackageUrls;
import io.portcullis.scan.layer.LayerEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * npm packages from installed {@code node_modules/<name>/package.json} and
 * {@code node_modules/@scope/<name>/package.json} files, and from {@code package-lock.json} at
 * application roots (lockfile v1 {@code dependencies} tree, v2/v3 {@code packages} map). Lockfile
 * entries marked {@code dev}, links and non-registry versions (git, file, URLs) are left out.
 */
public final class NpmAnalyzer implements PackageAnalyzer {

  private static final String NODE_MODULES = "/node_modules/";
  private static final String PACKAGE_JSON = "/package.json";
  private static final String LOCKFILE = "/package-lock.json";

  @Override
  public boolean wants(LayerEntry entry) {
    String path = entry.path();
    if (path.endsWith(PACKAGE_JSON)) {
      int modules = path.lastIndexOf(NODE_MODULES);
      if (modules < 0) {
        return false;
      }
      String inside = path.substring(modules + NODE_MODULES.length(), path.length() - PACKAGE_JSON.length());
      int slash = inside.indexOf('/');
      return inside.startsWith("@") ? slash > 1 && inside.indexOf('/', slash + 1) < 0
          : slash < 0 && !inside.isEmpty() && !inside.startsWith(".");
    }
    return path.endsWith(LOCKFILE) && !path.contains(NODE_MODULES);
  }

  @Override
  public void analyze(AnalyzedFile file, Findings findings) throws IOException {
    JsonNode json = JsonFiles.parse(file);
    if (file.path().endsWith(LOCKFILE)) {
      lockfile(json, file.path(), findings);
      return;
    }
    String name = JsonFiles.text(json, "name");
    String version = JsonFiles.text(json, "version");
    if (name != null && version != null) {
      List<String> licenses = new ArrayList<>(JsonFiles.licenses(json.get("license")));
      licenses.addAll(JsonFiles.licenses(json.get("licenses")));
      findings.add(npm(name, version, Licenses.normalizeAll(licenses), file.path()));
    }
  }

  private static void lockfile(JsonNode json, String path, Findings findings) {
    JsonNode packages = json.get("packages");
    if (packages != null && packages.isObject()) {
      for (Map.Entry<String, JsonNode> entry : packages.properties()) {
        String key = entry.getKey();
        int modules = key.lastIndexOf("node_modules/");
        if (modules < 0) {
          continue; // the root project or a workspace folder, not an installed dependency
        }
        JsonNode meta = entry.getValue();
        String name = JsonFiles.text(meta, "name");
        lockEntry(name != null ? name : key.substring(modules + "node_modules/".length()), meta, path, findings);
      }
      return;
    }
    dependencies(json.get("dependencies"), path, findings);
  }

  private static void dependencies(JsonNode dependencies, String path, Findings findings) {
    if (dependencies == null || !dependencies.isObject()) {
      return;
    }
    for (Map.Entry<String, JsonNode> entry : dependencies.properties()) {
      lockEntry(entry.getKey(), entry.getValue(), path, findings);
      dependencies(entry.getValue().get("dependencies"), path, findings);
    }
  }

  private static void lockEntry(String name, JsonNode meta, String path, Findings findings) {
    String version = JsonFiles.text(meta, "version");
    if (version == null || !Character.isDigit(version.charAt(0)) || meta.path("dev").asBoolean(false)
        || meta.path("link").asBoolean(false)) {
      return;
    }
    findings.add(npm(name, version, JsonFiles.licenses(meta.get("license")), path));
  }

  private static InstalledPackage npm(String name, String version, List<String> licenses, String path) {
    int slash = name.indexOf('/');
    String purl = name.startsWith("@") && slash > 0
        ? PackageUrls.of("npm", name.substring(0, slash), name.substring(slash + 1), version)
        : PackageUrls.of("npm", null, name, version);
    return new InstalledPackage("npm", name, version, null, null, purl, licenses, path, null);
  }
}
