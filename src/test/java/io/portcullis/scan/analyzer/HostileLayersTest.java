package io.portcullis.scan.analyzer;

import static io.portcullis.scan.layer.TestLayers.Entry.file;
import static io.portcullis.scan.layer.TestLayers.Entry.hardlink;
import static io.portcullis.scan.layer.TestLayers.Entry.symlink;
import static io.portcullis.scan.layer.TestLayers.Entry.zeros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.scan.inventory.ImageInventory;
import io.portcullis.scan.inventory.LayerInventory;
import io.portcullis.scan.inventory.LayerInventory.SkippedEntry;
import io.portcullis.scan.layer.HostileLayerException;
import io.portcullis.scan.layer.HostileLayerException.Reason;
import io.portcullis.scan.layer.LayerLimits;
import io.portcullis.scan.layer.TestLayers;
import io.portcullis.scan.layer.TestLayers.Format;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Layers built to hurt the scanner: each must fail cleanly or be contained, and the scanner goes on. */
class HostileLayersTest {

  private static final String APK_DB = "P:musl\nV:1.2.3-r3\no:musl\n\n";
  private final LayerScanner scanner = LayerScanner.standard();

  private LayerInventory scan(byte[] layer) throws IOException {
    return scanner.scan(new ByteArrayInputStream(layer), "sha256:test", LayerLimits.defaults());
  }

  /** After any hostile layer the same scanner still scans a good one. */
  private void scannerStillWorks() throws IOException {
    LayerInventory good = scan(TestLayers.gzipLayer(file("lib/apk/db/installed", APK_DB)));
    assertThat(good.packages()).hasSize(1);
  }

  @Test
  void pathTraversalEntriesAreSkippedNotAnalysed() throws IOException {
    LayerInventory inventory = scan(TestLayers.gzipLayer(
        file("../../lib/apk/db/installed", APK_DB), file("a/../../../etc/os-release", "ID=alpine\n")));
    assertThat(inventory.packages()).isEmpty();
    assertThat(inventory.osRelease()).isNull();
    assertThat(inventory.skipped()).extracting(SkippedEntry::path)
        .containsExactly("../../lib/apk/db/installed", "a/../../../etc/os-release");
    scannerStillWorks();
  }

  @Test
  void symlinkAndHardlinkLoopsEndWithoutHanging() throws IOException {
    LayerInventory inventory = scan(TestLayers.gzipLayer(
        symlink("etc/os-release", "../usr/lib/os-release"), symlink("usr/lib/os-release", "/etc/os-release"),
        hardlink("lib/apk/db/installed", "lib/apk/db/installed")));
    assertThat(inventory.symlinks()).containsEntry("/etc/os-release", "/usr/lib/os-release")
        .containsEntry("/usr/lib/os-release", "/etc/os-release");
    assertThat(inventory.packages()).isEmpty();
    assertThat(inventory.skipped()).extracting(SkippedEntry::path).contains("/lib/apk/db/installed");
    assertThat(ImageInventory.merge(List.of(inventory)).osRelease()).isNull();
    scannerStillWorks();
  }

  @Test
  void hardlinkToOutsideTheLayerIsRejected() throws IOException {
    LayerInventory inventory = scan(TestLayers.gzipLayer(
        hardlink("lib/apk/db/installed", "../../../etc/shadow"),
        file("lib/apk/db/real", "x"), hardlink("etc/os-release", "lib/apk/db/real")));
    assertThat(inventory.skipped()).extracting(SkippedEntry::path).contains("lib/apk/db/installed");
    assertThat(inventory.hardlinks()).containsOnlyKeys("/etc/os-release");
    assertThat(inventory.packages()).isEmpty();
    scannerStillWorks();
  }

  @Test
  void gzipBombFailsOnTheCompressionRatio() throws IOException {
    InputStream bomb = TestLayers.lazyLayer(Format.GZIP,
        List.of(zeros("var/lib/dpkg/status", 8L << 30)).iterator());
    assertThatThrownBy(() -> scanner.scan(bomb, "sha256:bomb", LayerLimits.defaults()))
        .isInstanceOfSatisfying(HostileLayerException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.COMPRESSION_RATIO));
    scannerStillWorks();
  }

  @Test
  void aMillionTinyFilesHitTheEntryLimit() throws IOException {
    // The default (500k) is below a million too; a lower limit keeps the test quick.
    assertThat(LayerLimits.defaults().maxEntries()).isLessThan(1_000_000);
    InputStream many = TestLayers.lazyLayer(Format.GZIP,
        TestLayers.generated(1_000_000, i -> file("f/" + i, "")));
    assertThatThrownBy(() -> scanner.scan(many, "sha256:many", LayerLimits.defaults().withMaxEntries(50_000)))
        .isInstanceOfSatisfying(HostileLayerException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.TOO_MANY_ENTRIES))
        .hasMessageContaining("50000");
    scannerStillWorks();
  }

  @Test
  void oversizedWantedFileIsSkippedWithoutBeingBuffered() throws IOException {
    LayerLimits limits = LayerLimits.defaults().withMaxFileBytes(1 << 20);
    InputStream layer = TestLayers.lazyLayer(Format.GZIP, List.of(
        zeros("lib/apk/db/installed", 8L << 20), file("etc/alpine-release", "3.16.9\n")).iterator());
    LayerInventory inventory = scanner.scan(layer, "sha256:big", limits);
    assertThat(inventory.skipped()).singleElement().satisfies(skip -> {
      assertThat(skip.path()).isEqualTo("/lib/apk/db/installed");
      assertThat(skip.reason()).contains("per-file limit");
    });
    assertThat(inventory.analyzedFiles()).contains("/lib/apk/db/installed");
    assertThat(inventory.osRelease().ecosystem()).isEqualTo("Alpine:v3.16");
  }

  @Test
  void fileLargerThanTheLayerLimitFailsTheLayer() {
    InputStream layer = TestLayers.lazyLayer(Format.GZIP, List.of(zeros("blob", 64L << 20)).iterator());
    assertThatThrownBy(() -> scanner.scan(layer, "sha256:x", LayerLimits.defaults().withMaxTotalBytes(32L << 20)))
        .isInstanceOfSatisfying(HostileLayerException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.TOO_MANY_BYTES));
  }
}
