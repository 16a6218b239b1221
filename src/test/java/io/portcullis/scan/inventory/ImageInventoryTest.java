package io.portcullis.scan.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageInventoryTest {

  private static final String STATUS = "/var/lib/dpkg/status";
  private static final OsRelease DEBIAN = new OsRelease("debian", "12", "Debian 12", "/usr/lib/os-release");

  private static InstalledPackage deb(String name, String version, String source) {
    return new InstalledPackage(DistroFamily.DEB.pendingEcosystem(), name, version, source, null,
        DistroFamily.DEB.purl(name, version, Map.of("arch", "amd64")), List.of(), STATUS, null);
  }

  private static InstalledPackage maven(String name, String version, String path) {
    return new InstalledPackage("Maven", name, version, null, null, null, List.of(), path, null);
  }

  private static LayerInventory layer(String digest, List<InstalledPackage> packages, List<String> analyzed,
      List<String> whiteouts, List<String> opaque, OsRelease os) {
    return new LayerInventory(digest, packages.stream().map(p -> p.withLayer(digest)).toList(), analyzed, whiteouts,
        opaque, Map.of(), Map.of(), os, List.of());
  }

  @Test
  void packagesKeepTheLayerThatIntroducedThemWhenALaterLayerRewritesTheDatabase() {
    LayerInventory base = layer("sha256:l0", List.of(deb("a", "1.0", "a-src")), List.of(STATUS, DEBIAN.path()),
        List.of(), List.of(), DEBIAN);
    LayerInventory next = layer("sha256:l1", List.of(deb("a", "1.0", "a-src"), deb("b", "2.0", null)),
        List.of(STATUS), List.of(), List.of(), null);
    ImageInventory image = ImageInventory.merge(List.of(base, next));
    assertThat(image.packages()).extracting(InstalledPackage::name, InstalledPackage::layerDigest,
            InstalledPackage::ecosystem, InstalledPackage::purl)
        .containsExactly(
            tuple("a", "sha256:l0", "Debian:12", "pkg:deb/debian/a@1.0?arch=amd64&distro=debian-12"),
            tuple("b", "sha256:l1", "Debian:12", "pkg:deb/debian/b@2.0?arch=amd64&distro=debian-12"));
  }

  @Test
  void anUpgradedPackageBelongsToTheLayerThatUpgradedIt() {
    LayerInventory base = layer("sha256:l0", List.of(deb("a", "1.0", null)), List.of(STATUS), List.of(), List.of(),
        null);
    LayerInventory next = layer("sha256:l1", List.of(deb("a", "1.1", null)), List.of(STATUS), List.of(), List.of(),
        null);
    assertThat(ImageInventory.merge(List.of(base, next)).packages())
        .extracting(InstalledPackage::version, InstalledPackage::layerDigest).containsExactly(tuple("1.1", "sha256:l1"));
  }

  @Test
  void whiteoutsAndOpaqueDirectoriesRemoveLowerPackages() {
    LayerInventory base = layer("sha256:l0", List.of(maven("g:gone", "1", "/tmp/build/x.jar"),
            maven("g:hidden", "1", "/opt/lib/y.jar"), maven("g:nested", "1", "/opt/lib/z.jar!/BOOT-INF/lib/n.jar"),
            maven("g:kept", "1", "/opt/keep.jar"), maven("g:prefix", "1", "/tmp/builder/w.jar")),
        List.of("/tmp/build/x.jar", "/opt/lib/y.jar", "/opt/lib/z.jar", "/opt/keep.jar", "/tmp/builder/w.jar"),
        List.of(), List.of(), null);
    LayerInventory deletes = layer("sha256:l1", List.of(), List.of(), List.of("/tmp/build"), List.of("/opt/lib"),
        null);
    assertThat(ImageInventory.merge(List.of(base, deletes)).packages()).extracting(InstalledPackage::name)
        .containsExactly("g:kept", "g:prefix");
  }

  @Test
  void opaqueDirectoryKeepsWhatItsOwnLayerPutThere() {
    LayerInventory base = layer("sha256:l0", List.of(maven("g:old", "1", "/opt/lib/a.jar")), List.of("/opt/lib/a.jar"),
        List.of(), List.of(), null);
    LayerInventory replaces = layer("sha256:l1", List.of(maven("g:new", "2", "/opt/lib/b.jar")),
        List.of("/opt/lib/b.jar"), List.of(), List.of("/opt/lib"), null);
    assertThat(ImageInventory.merge(List.of(base, replaces)).packages())
        .extracting(InstalledPackage::name, InstalledPackage::layerDigest).containsExactly(tuple("g:new", "sha256:l1"));
  }

  @Test
  void aReplacedFileReplacesItsPackages() {
    LayerInventory base = layer("sha256:l0", List.of(maven("g:a", "1", "/app/a.jar")), List.of("/app/a.jar"),
        List.of(), List.of(), null);
    LayerInventory replacedByUnrecognisedJar = layer("sha256:l1", List.of(), List.of("/app/a.jar"), List.of(),
        List.of(), null);
    assertThat(ImageInventory.merge(List.of(base, replacedByUnrecognisedJar)).packages()).isEmpty();
  }

  @Test
  void osReleaseFromAnEarlierLayerResolvesLaterDistroPackagesAndDeletedReleasesDoNot() {
    LayerInventory os = layer("sha256:l0", List.of(), List.of(DEBIAN.path()), List.of(), List.of(), DEBIAN);
    LayerInventory packages = layer("sha256:l1", List.of(deb("a", "1", null)), List.of(STATUS), List.of(), List.of(),
        null);
    assertThat(ImageInventory.merge(List.of(os, packages)).packages()).extracting(InstalledPackage::ecosystem)
        .containsExactly("Debian:12");

    LayerInventory deletesRelease = layer("sha256:l2", List.of(), List.of(), List.of("/usr/lib/os-release"),
        List.of(), null);
    ImageInventory withoutRelease = ImageInventory.merge(List.of(os, packages, deletesRelease));
    assertThat(withoutRelease.osRelease()).isNull();
    assertThat(withoutRelease.packages()).extracting(InstalledPackage::ecosystem, InstalledPackage::purl)
        .containsExactly(tuple("Debian", "pkg:deb/debian/a@1?arch=amd64"));
  }

  @Test
  void layerInventoryRoundTripsThroughJson() throws IOException {
    LayerInventory inventory = new LayerInventory("sha256:l0",
        List.of(deb("a", "1:2.0-1", "a-src").withLayer("sha256:l0"),
            new InstalledPackage("npm", "@x/y", "1.0.0", null, null, "pkg:npm/%40x/y@1.0.0", List.of("MIT"),
                "/app/package-lock.json", "sha256:l0")),
        List.of(STATUS), List.of("/tmp/build"), List.of("/opt"), Map.of("/etc/os-release", "/usr/lib/os-release"),
        Map.of("/a.jar", "/b.jar"), DEBIAN, List.of(new LayerInventory.SkippedEntry("../x", "escapes")));
    LayerInventory copy = LayerInventory.fromJson(inventory.toJson());
    assertThat(copy).isEqualTo(inventory);
    assertThat(copy.packages().getFirst().awaitsDistro()).isTrue();
  }
}
