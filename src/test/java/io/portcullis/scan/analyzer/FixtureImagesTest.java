package io.portcullis.scan.analyzer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.portcullis.scan.inventory.ImageInventory;
import io.portcullis.scan.inventory.InstalledPackage;
import io.portcullis.scan.inventory.LayerInventory;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The known answers of shared/fixtures/EXPECTED.md, from the real fixture layouts. */
class FixtureImagesTest {

  private static final String ALPINE_L0 = "sha256:4d3ab827a6cecc798128b51bcfe15a350a7a769788bcf8ccf9884e79d53e482d";
  private static final String JAVA_L1 = "sha256:c5bd02d2814ebd7db0fb45182af2aa96ed3bac9a0da4edad2a82aa11d31a568f";
  private static final String JAVA_L2 = "sha256:05ab31b17d4ed5946d5782ac34c6cb6b7e4f250ee1fe5edfec871568f5fef9b6";

  @Test
  void javaAppReportsJarsNestedAndShadedArtifactsAndHonoursTheWhiteout() throws IOException {
    List<String> layers = OciLayouts.layersByPlatform("java-app").get("linux/amd64");
    List<LayerInventory> inventories = OciLayouts.scan("java-app", layers);

    assertThat(inventories.get(1).packages()).extracting(InstalledPackage::path)
        .contains("/tmp/build/log4j-core-2.14.1.jar");
    assertThat(inventories.get(3).whiteouts()).containsExactly("/tmp/build");

    ImageInventory image = ImageInventory.merge(inventories);
    assertThat(image.osRelease().ecosystem()).isEqualTo("Alpine:v3.16");
    List<InstalledPackage> maven = image.packages().stream().filter(p -> p.ecosystem().equals("Maven")).toList();
    assertThat(maven).extracting(InstalledPackage::name, InstalledPackage::version, InstalledPackage::path,
            InstalledPackage::layerDigest)
        .containsExactlyInAnyOrder(
            tuple("org.apache.logging.log4j:log4j-core", "2.14.1", "/opt/app/lib/log4j-core-2.14.1.jar", JAVA_L1),
            tuple("com.fasterxml.jackson.core:jackson-databind", "2.9.8", "/opt/app/lib/jackson-databind-2.9.8.jar",
                JAVA_L1),
            tuple("org.apache.commons:commons-text", "1.9", "/opt/app/lib/commons-text-1.9.jar", JAVA_L1),
            tuple("org.springframework:spring-core", "5.3.17", "/opt/app/lib/spring-core-5.3.17.jar", JAVA_L1),
            tuple("org.springframework:spring-beans", "5.3.17", "/opt/app/lib/spring-beans-5.3.17.jar", JAVA_L1),
            tuple("org.apache.logging.log4j:log4j-core", "2.14.1", "/opt/app/shaded-app-1.0.0.jar", JAVA_L2),
            tuple("org.apache.logging.log4j:log4j-api", "2.14.1", "/opt/app/shaded-app-1.0.0.jar", JAVA_L2),
            tuple("com.example.fixtures:shaded-app", "1.0.0", "/opt/app/shaded-app-1.0.0.jar", JAVA_L2),
            tuple("org.apache.commons:commons-text", "1.9",
                "/opt/app/nested-app-1.0.0.jar!/BOOT-INF/lib/commons-text-1.9.jar", JAVA_L2));
    assertThat(maven).filteredOn(p -> p.name().endsWith("log4j-core")).first()
        .extracting(InstalledPackage::purl).isEqualTo("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
    assertThat(image.packages()).filteredOn(p -> p.ecosystem().equals("Alpine:v3.16")).hasSize(14)
        .allSatisfy(p -> assertThat(p.layerDigest()).isEqualTo(ALPINE_L0));
  }

  @Test
  void alpineReportsApkPackagesWithOriginsOnEveryPlatform() throws IOException {
    Map<String, List<String>> platforms = OciLayouts.layersByPlatform("alpine-3.16-multiarch");
    assertThat(platforms).containsOnlyKeys("linux/amd64", "linux/arm64/v8");
    for (List<String> layers : platforms.values()) {
      ImageInventory image = ImageInventory.merge(OciLayouts.scan("alpine-3.16-multiarch", layers));
      assertThat(image.osRelease().ecosystem()).isEqualTo("Alpine:v3.16");
      assertThat(image.packages()).hasSize(14).allSatisfy(p -> {
        assertThat(p.ecosystem()).isEqualTo("Alpine:v3.16");
        assertThat(p.path()).isEqualTo("/lib/apk/db/installed");
        assertThat(p.layerDigest()).isEqualTo(layers.getFirst());
        assertThat(p.purl()).startsWith("pkg:apk/alpine/").contains("distro=alpine-3.16.9");
      });
      assertThat(image.packages())
          .extracting(InstalledPackage::name, InstalledPackage::version, InstalledPackage::sourceName)
          .contains(tuple("busybox", "1.35.0-r17", "busybox"), tuple("ssl_client", "1.35.0-r17", "busybox"),
              tuple("musl", "1.2.3-r3", "musl"), tuple("musl-utils", "1.2.3-r3", "musl"),
              tuple("libcrypto1.1", "1.1.1w-r1", "openssl"), tuple("libssl1.1", "1.1.1w-r1", "openssl"),
              tuple("zlib", "1.2.12-r3", "zlib"), tuple("apk-tools", "2.12.9-r3", "apk-tools"),
              tuple("scanelf", "1.3.4-r0", "pax-utils"),
              tuple("ca-certificates-bundle", "20230506-r0", "ca-certificates"),
              tuple("alpine-baselayout", "3.2.0-r23", "alpine-baselayout"),
              tuple("alpine-baselayout-data", "3.2.0-r23", "alpine-baselayout"),
              tuple("alpine-keys", "2.4-r1", "alpine-keys"), tuple("libc-utils", "0.7.2-r3", "libc-dev"));
    }
  }

  @Test
  void debianReportsAllDpkgPackagesWithSources() throws IOException {
    List<String> layers = OciLayouts.layersByPlatform("debian-bookworm-minimal").get("linux/amd64");
    ImageInventory image = ImageInventory.merge(OciLayouts.scan("debian-bookworm-minimal", layers));

    assertThat(image.osRelease().ecosystem()).isEqualTo("Debian:12");
    assertThat(image.packages()).hasSize(88).allSatisfy(p -> {
      assertThat(p.ecosystem()).isEqualTo("Debian:12");
      assertThat(p.layerDigest()).isEqualTo(layers.getFirst());
    });
    assertThat(image.packages())
        .extracting(InstalledPackage::name, InstalledPackage::version, InstalledPackage::sourceName)
        .contains(tuple("libc6", "2.36-9+deb12u14", "glibc"), tuple("libc-bin", "2.36-9+deb12u14", "glibc"),
            tuple("apt", "2.6.2", "apt"), tuple("libapt-pkg6.0", "2.6.2", "apt"),
            tuple("bsdutils", "1:2.38.1-5+deb12u3", "util-linux"), tuple("zlib1g", "1:1.2.13.dfsg-1", "zlib"),
            tuple("libcap2", "1:2.66-4+deb12u3+b1", "libcap2"), tuple("tzdata", "2026f-0+deb12u1", "tzdata"));
    assertThat(image.packages()).filteredOn(p -> p.name().equals("bsdutils")).singleElement()
        .satisfies(p -> {
          assertThat(p.sourceVersion()).isEqualTo("2.38.1-5+deb12u3");
          assertThat(p.purl()).isEqualTo("pkg:deb/debian/bsdutils@1%3A2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12");
        });
  }

  @Test
  void cleanTinyHasNoPackagesAndNoOs() throws IOException {
    List<String> layers = OciLayouts.layersByPlatform("clean-tiny").get("linux/amd64");
    ImageInventory image = ImageInventory.merge(OciLayouts.scan("clean-tiny", layers));
    assertThat(image.packages()).isEmpty();
    assertThat(image.osRelease()).isNull();
  }
}
