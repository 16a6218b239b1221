package io.portcullis.scan.analyzer;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.scan.inventory.InstalledPackage;
import io.portcullis.scan.inventory.PackageUrls;
import io.portcullis.scan.layer.LayerEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Rust crates compiled into ELF executables built with cargo-auditable: section {@code .dep-v0} holds
 * zlib-compressed JSON ({@code {"packages":[{"name","version","source",…}]}}). Crates from a registry or
 * git are reported; the binary's own local crates are not published packages and are left out.
 */
public final class CargoAuditableAnalyzer implements PackageAnalyzer {

  private static final String SECTION = ".dep-v0";
  /** The dependency list of even very large binaries is well under this once inflated. */
  private static final int MAX_INFLATED = 8 * 1024 * 1024;

  @Override
  public boolean wants(LayerEntry entry) {
    return entry.isExecutable() && entry.size() > 64;
  }

  @Override
  public void analyze(AnalyzedFile file, Findings findings) throws IOException {
    byte[] data = file.bytes();
    if (!ElfFile.isElf(data)) {
      return;
    }
    ElfFile elf = ElfFile.parse(data, file.path());
    Optional<ElfFile.Section> section = elf.section(SECTION);
    if (section.isEmpty()) {
      return;
    }
    JsonNode json = JsonFiles.parse(inflate(elf.sectionData(section.get()), file.path()), file.path());
    for (JsonNode pkg : json.path("packages")) {
      String name = JsonFiles.text(pkg, "name");
      String version = JsonFiles.text(pkg, "version");
      String source = JsonFiles.text(pkg, "source");
      if (name == null || version == null || "local".equals(source)) {
        continue;
      }
      findings.add(new InstalledPackage("crates.io", name, version, null, null,
          PackageUrls.of("cargo", null, name, version), List.of(), file.path(), null));
    }
  }

  static byte[] inflate(byte[] compressed, String what) throws MalformedContentException {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(compressed);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[16 * 1024];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new MalformedContentException(what + ": truncated " + SECTION + " section");
        }
        out.write(buffer, 0, n);
        if (out.size() > MAX_INFLATED) {
          throw new MalformedContentException(what + ": " + SECTION + " inflates beyond " + MAX_INFLATED + " bytes");
        }
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new MalformedContentException(what + ": " + SECTION + " is not zlib data", e);
    } finally {
      inflater.end();
    }
  }
}
