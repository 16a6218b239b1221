package io.portcullis.scan.analyzer;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.scan.inventory.InstalledPackage;
import io.portcullis.scan.inventory.PackageUrls;
import io.portcullis.scan.layer.LayerEntry;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * NuGet packages of .NET applications from {@code *.deps.json}: the {@code libraries} map, keyed
 * {@code Name/Version}, entries of type {@code package} (projects and framework references are not
 * NuGet packages).
 */
public final class DotnetDepsAnalyzer implements PackageAnalyzer {

  @Override
  public boolean wants(LayerEntry entry) {
    return entry.path().endsWith(".deps.json");
  }

  @Override
  public void analyze(AnalyzedFile file, Findings findings) throws IOException {
    JsonNode libraries = JsonFiles.parse(file).path("libraries");
    for (Map.Entry<String, JsonNode> library : libraries.properties()) {
      int slash = library.getKey().lastIndexOf('/');
      if (slash <= 0 || slash == library.getKey().length() - 1
          || !"package".equals(JsonFiles.text(library.getValue(), "type"))) {
        continue;
      }
      String name = library.getKey().substring(0, slash);
      String version = library.getKey().substring(slash + 1);
      findings.add(new InstalledPackage("NuGet", name, version, null, null,
          PackageUrls.of("nuget", null, name, version), List.of(), file.path(), null));
    }
  }
}
