package io.portcullis.scan.analyzer;

import static io.portcullis.scan.layer.TestLayers.Entry.file;
import static io.portcullis.scan.layer.TestLayers.Entry.hardlink;
import static io.portcullis.scan.layer.TestLayers.Entry.symlink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.portcullis.scan.inventory.ImageInventory;
import io.portcullis.scan.inventory.InstalledPackage;
import io.portcullis.scan.inventory.LayerInventory;
import io.portcullis.scan.layer.LayerLimits;
import io.portcullis.scan.layer.TestLayers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LayerScannerTest {

  private final LayerScanner scanner = LayerScanner.standard();

  private LayerInventory scan(String digest, byte[] layer) throws IOException {
    return scanner.scan(new ByteArrayInputStream(layer), digest, LayerLimits.defaults());
  }

  @Test
  void hardLinkedArchiveCarriesItsTargetsPackagesAndSymlinksAreOnlyRecorded() throws IOException {
    byte[] jar = JavaArchiveAnalyzerTest.zip(Map.of("META-INF/maven/g/a/pom.properties",
        "groupId=g\nartifactId=a\nversion=1\n".getBytes()), false);
    LayerInventory inventory = scan("sha256:l0", TestLayers.gzipLayer(file("opt/a.jar", jar),
        hardlink("opt/b.jar", "opt/a.jar"), symlink("opt/c.jar", "a.jar")));
    assertThat(inventory.packages()).extracting(InstalledPackage::path, InstalledPackage::layerDigest)
        .containsExactly(tuple("/opt/a.jar", "sha256:l0"), tuple("/opt/b.jar", "sha256:l0"));
    assertThat(inventory.symlinks()).containsExactly(Map.entry("/opt/c.jar", "/opt/a.jar"));
    assertThat(inventory.analyzedFiles()).containsExactly("/opt/a.jar", "/opt/b.jar", "/opt/c.jar");
  }

  @Test
  void malformedFileIsRecordedAndTheRestOfTheLayerStillAnalysed() throws IOException {
    LayerInventory inventory = scan("sha256:l0", TestLayers.gzipLayer(
        file("app/node_modules/x/package.json", "{broken"), file("lib/apk/db/installed", "P:musl\nV:1.2.3-r3\n")));
    assertThat(inventory.skipped()).singleElement().satisfies(skip -> {
      assertThat(skip.path()).isEqualTo("/app/node_modules/x/package.json");
      assertThat(skip.reason()).contains("NpmAnalyzer").contains("invalid JSON");
    });
    assertThat(inventory.packages()).extracting(InstalledPackage::name).containsExactly("musl");
  }

  @Test
  void aFileWantedByTwoAnalyzersIsReadOnceAndSeenByBoth() throws IOException {
    byte[] elf = new TestElf().section(".text", new byte[128]).build();
    LayerInventory inventory = scan("sha256:l0", TestLayers.gzipLayer(TestLayers.Entry.executable("usr/bin/tool", elf)));
    assertThat(inventory.analyzedFiles()).containsExactly("/usr/bin/tool");
    assertThat(inventory.skipped()).isEmpty();
  }

  @Test
  void distroPackagesOfALayerResolveAgainstTheOsOfAnEarlierLayer() throws IOException {
    LayerInventory base = scan("sha256:l0", TestLayers.gzipLayer(file("etc/os-release", "ID=debian\nVERSION_ID=11\n")));
    LayerInventory packages = scan("sha256:l1", TestLayers.gzipLayer(file("var/lib/dpkg/status",
        "Package: bash\nStatus: install ok installed\nVersion: 5.1-2\nArchitecture: arm64\n")));
    ImageInventory image = ImageInventory.merge(List.of(base, packages));
    assertThat(image.packages()).extracting(InstalledPackage::ecosystem, InstalledPackage::purl,
            InstalledPackage::layerDigest)
        .containsExactly(tuple("Debian:11", "pkg:deb/debian/bash@5.1-2?arch=arm64&distro=debian-11", "sha256:l1"));
  }
}
