package io.portcullis.scan.analyzer;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.scan.inventory.InstalledPackage;
import io.portcullis.scan.inventory.PackageUrls;
import io.portcullis.scan.layer.LayerEntry;
import java.io.IOException;

/**
 * PHP packages installed by Composer, from {@code vendor/composer/installed.json}: an array of packages
 * (Composer 1) or an object with a {@code packages} array (Composer 2). A leading {@code v} of a tag
 * version ({@code v5.4.0}) is dropped, as Packagist normalises it.
 */
public final class ComposerAnalyzer implements PackageAnalyzer {

  private static final String INSTALLED = "/vendor/composer/installed.json";

  @Override
  public boolean wants(LayerEntry entry) {
    return entry.path().endsWith(INSTALLED);
  }

  @Override
  public void analyze(AnalyzedFile file, Findings findings) throws IOException {
    JsonNode json = JsonFiles.parse(file);
    JsonNode packages = json.isArray() ? json : json.path("packages");
    for (JsonNode pkg : packages) {
      String name = JsonFiles.text(pkg, "name");
      String version = JsonFiles.text(pkg, "version");
      if (name == null || version == null) {
        continue;
      }
      if (version.length() > 1 && (version.charAt(0) == 'v' || version.charAt(0) == 'V')
          && Character.isDigit(version.charAt(1))) {
        version = version.substring(1);
      }
      int slash = name.indexOf('/');
      String purl = slash > 0 ? PackageUrls.of("composer", name.substring(0, slash), name.substring(slash + 1), version)
          : PackageUrls.of("composer", null, name, version);
      findings.add(new InstalledPackage("Packagist", name, version, null, null, purl,
          JsonFiles.licenses(pkg.get("license")), file.path(), null));
    }
  }
}
