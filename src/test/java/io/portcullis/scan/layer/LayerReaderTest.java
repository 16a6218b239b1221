package io.portcullis.scan.layer;

import static io.portcullis.scan.layer.TestLayers.Entry.directory;
import static io.portcullis.scan.layer.TestLayers.Entry.file;
import static io.portcullis.scan.layer.TestLayers.Entry.hardlink;
import static io.portcullis.scan.layer.TestLayers.Entry.symlink;
import static io.portcullis.scan.layer.TestLayers.Entry.zeros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.portcullis.scan.layer.TestLayers.Format;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class LayerReaderTest {

  /** Records every callback as a line. */
  private static final class Recorder implements LayerVisitor {
    final List<String> events = new ArrayList<>();

    @Override
    public void file(LayerEntry entry, InputStream content) throws IOException {
      events.add("file " + entry.path() + " " + new String(content.readAllBytes(), StandardCharsets.UTF_8));
    }

    @Override
    public void symlink(String path, String target) {
      events.add("symlink " + path + " -> " + target);
    }

    @Override
    public void hardlink(String path, String target) {
      events.add("hardlink " + path + " -> " + target);
    }

    @Override
    public void whiteout(String path) {
      events.add("whiteout " + path);
    }

    @Override
    public void opaqueDirectory(String path) {
      events.add("opaque " + path);
    }

    @Override
    public void rejected(String entryName, String reason) {
      events.add("rejected " + entryName);
    }
  }

  private static List<String> read(byte[] layer, LayerLimits limits) throws IOException {
    Recorder recorder = new Recorder();
    LayerReader.read(new ByteArrayInputStream(layer), limits, recorder);
    return recorder.events;
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void detectsTheCompressionFromTheBytes(Format format) throws IOException {
    byte[] layer = TestLayers.layer(format, directory("etc/"), file("etc/hostname", "box"));
    assertThat(read(layer, LayerLimits.defaults())).containsExactly("file /etc/hostname box");
  }

  @Test
  void refusesCompressionsOutsideTheOciSpec() {
    byte[] xz = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 1, 2};
    assertThatThrownBy(() -> read(xz, LayerLimits.defaults())).isInstanceOf(LayerException.class)
        .hasMessageContaining("xz");
  }

  @Test
  void reportsGarbageAsAMalformedLayer() {
    byte[] garbage = new byte[2048];
    for (int i = 0; i < garbage.length; i++) {
      garbage[i] = (byte) (i * 31 + 7);
    }
    assertThatThrownBy(() -> read(garbage, LayerLimits.defaults())).isInstanceOf(LayerException.class)
        .isNotInstanceOf(HostileLayerException.class);
  }

  @Test
  void recordsWhiteoutsOpaqueDirectoriesAndLinks() throws IOException {
    byte[] layer = TestLayers.gzipLayer(file("tmp/.wh.build", ""), file("opt/app/.wh..wh..opq", ""),
        file(".wh.root-file", ""), symlink("etc/os-release", "../usr/lib/os-release"),
        file("usr/lib/os-release", "ID=x"), hardlink("usr/lib/copy", "usr/lib/os-release"),
        file("a/.wh..wh.plnk", ""));
    assertThat(read(layer, LayerLimits.defaults())).containsExactly("whiteout /tmp/build", "opaque /opt/app",
        "whiteout /root-file", "symlink /etc/os-release -> /usr/lib/os-release", "file /usr/lib/os-release ID=x",
        "hardlink /usr/lib/copy -> /usr/lib/os-release");
  }

  @Test
  void keepsPaxLongNames() throws IOException {
    String longName = "opt/" + "d".repeat(150) + "/" + "f".repeat(120) + ".txt";
    byte[] layer = TestLayers.gzipLayer(file(longName, "long"));
    assertThat(read(layer, LayerLimits.defaults())).containsExactly("file /" + longName + " long");
  }

  @Test
  void rejectsEntriesEscapingTheRootAndNormalisesAbsoluteOnes() throws IOException {
    byte[] layer = TestLayers.gzipLayer(file("../../etc/passwd", "evil"), file("/etc/hosts", "abs"),
        hardlink("etc/shadow-link", "../../etc/shadow"), symlink("etc/escape", "../../../../etc/shadow"));
    assertThat(read(layer, LayerLimits.defaults())).containsExactly("rejected ../../etc/passwd",
        "file /etc/hosts abs", "rejected etc/shadow-link", "symlink /etc/escape -> /etc/shadow");
  }

  @Test
  void stopsAtTheEntryLimit() {
    byte[] layer = TestLayers.gzipLayer(file("a", "1"), file("b", "2"), file("c", "3"));
    assertThatThrownBy(() -> read(layer, LayerLimits.defaults().withMaxEntries(2)))
        .isInstanceOfSatisfying(HostileLayerException.class,
            e -> assertThat(e.reason()).isEqualTo(HostileLayerException.Reason.TOO_MANY_ENTRIES));
  }

  @Test
  void stopsAtTheTotalByteLimitEvenWhenTheVisitorSwallowsTheFailure() {
    byte[] layer = TestLayers.layer(Format.TAR, zeros("one", 700 << 10), zeros("two", 700 << 10));
    LayerVisitor swallowing = (entry, content) -> {
      try {
        content.readAllBytes();
      } catch (IOException ignored) {
        // a careless analyzer: the reader must still fail the layer
      }
    };
    assertThatThrownBy(() -> LayerReader.read(new ByteArrayInputStream(layer),
        LayerLimits.defaults().withMaxTotalBytes(1 << 20), swallowing))
        .isInstanceOfSatisfying(HostileLayerException.class,
            e -> assertThat(e.reason()).isEqualTo(HostileLayerException.Reason.TOO_MANY_BYTES));
  }

  @Test
  void stopsAtTheCompressionRatioOnceTheGraceIsUsed() {
    byte[] layer = TestLayers.gzipLayer(zeros("zeros", 4 << 20));
    assertThatThrownBy(() -> read(layer, LayerLimits.defaults().withCompressionRatio(50, 1 << 20)))
        .isInstanceOfSatisfying(HostileLayerException.class,
            e -> assertThat(e.reason()).isEqualTo(HostileLayerException.Reason.COMPRESSION_RATIO));
    assertThat(catchThrowable(() -> read(layer, LayerLimits.defaults()))).isNull();
  }

  @Test
  void refusesOverlongPaths() {
    byte[] layer = TestLayers.gzipLayer(file("d/".repeat(2100) + "f", "x"));
    assertThatThrownBy(() -> read(layer, LayerLimits.defaults()))
        .isInstanceOfSatisfying(HostileLayerException.class,
            e -> assertThat(e.reason()).isEqualTo(HostileLayerException.Reason.PATH_TOO_LONG));
  }

  @Test
  void refusesHugePaxHeadersBeforeBufferingThem() {
    byte[] layer = paxHeaderOnly(3 << 20);
    assertThatThrownBy(() -> read(layer, LayerLimits.defaults()))
        .isInstanceOfSatisfying(HostileLayerException.class,
            e -> assertThat(e.reason()).isEqualTo(HostileLayerException.Reason.HEADER_TOO_LARGE));
  }

  /** A raw ustar record announcing a PAX extended header of {@code size} bytes, followed by those bytes. */
  private static byte[] paxHeaderOnly(int size) {
    byte[] tar = new byte[512 + size];
    byte[] name = "PaxHeaders/x".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(name, 0, tar, 0, name.length);
    putOctal(tar, 100, 8, 0644);
    putOctal(tar, 124, 12, size);
    putOctal(tar, 136, 12, 0);
    tar[156] = 'x';
    System.arraycopy(("ustar\u0000" + "00").getBytes(StandardCharsets.US_ASCII), 0, tar, 257, 8);
    java.util.Arrays.fill(tar, 148, 156, (byte) ' ');
    int checksum = 0;
    for (int i = 0; i < 512; i++) {
      checksum += tar[i] & 0xff;
    }
    putOctal(tar, 148, 7, checksum);
    // One well-formed record "<length> path=aaa…\n" filling the whole extended header.
    byte[] prefix = (size + " path=").getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(prefix, 0, tar, 512, prefix.length);
    java.util.Arrays.fill(tar, 512 + prefix.length, tar.length - 1, (byte) 'a');
    tar[tar.length - 1] = '\n';
    return tar;
  }

  private static void putOctal(byte[] header, int offset, int length, long value) {
    String octal = String.format("%0" + (length - 1) + "o", value);
    System.arraycopy(octal.getBytes(StandardCharsets.US_ASCII), 0, header, offset, length - 1);
    header[offset + length - 1] = 0;
  }

  @Test
  void rejectsAFileDeclaringMoreThanTheLayerMayHold() {
    byte[] layer = TestLayers.layer(Format.TAR, zeros("big", 3 << 20));
    assertThatThrownBy(() -> read(layer, LayerLimits.defaults().withMaxTotalBytes(1 << 20)))
        .isInstanceOf(HostileLayerException.class).hasMessageContaining("declares");
  }
}
