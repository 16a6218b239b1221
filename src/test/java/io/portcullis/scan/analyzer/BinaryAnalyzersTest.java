package io.portcullis.scan.analyzer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.portcullis.scan.inventory.InstalledPackage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;

/** Go build info (both layouts) and cargo-auditable data in hand-built ELF executables. */
class BinaryAnalyzersTest {

  private static final String SENTINEL = "0123456789abcdef";
  private static final String MOD_INFO = SENTINEL + "path\texample.com/app\n"
      + "mod\texample.com/app\tv1.4.0\th1:abc=\n"
      + "dep\tgithub.com/google/uuid\tv1.3.0\th1:def=\n"
      + "dep\tgolang.org/x/net\tv0.7.0\th1:ghi=\n"
      + "=>\tgolang.org/x/net\tv0.17.0\th1:jkl=\n"
      + "build\t-compiler=gc\n" + SENTINEL;

  private static byte[] ascii(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] buildInfoHeader(int pointerSize, int flags) {
    byte[] header = new byte[32];
    System.arraycopy(GoBinaryAnalyzer.MAGIC, 0, header, 0, GoBinaryAnalyzer.MAGIC.length);
    header[14] = (byte) pointerSize;
    header[15] = (byte) flags;
    return header;
  }

  private static void assertGoPackages(List<InstalledPackage> packages) {
    assertThat(packages).extracting(InstalledPackage::ecosystem, InstalledPackage::name, InstalledPackage::version,
            InstalledPackage::purl)
        .containsExactly(
            tuple("Go", "example.com/app", "v1.4.0", "pkg:golang/example.com/app@v1.4.0"),
            tuple("Go", "github.com/google/uuid", "v1.3.0", "pkg:golang/github.com/google/uuid@v1.3.0"),
            tuple("Go", "golang.org/x/net", "v0.17.0", "pkg:golang/golang.org/x/net@v0.17.0"),
            tuple("Go", "stdlib", "1.21.5", "pkg:golang/stdlib@1.21.5"));
  }

  @Test
  void readsInlineGoBuildInfo() throws IOException {
    ByteArrayOutputStream section = new ByteArrayOutputStream();
    section.writeBytes(buildInfoHeader(8, 2));
    for (String value : List.of("go1.21.5", MOD_INFO)) {
      byte[] bytes = ascii(value);
      for (int length = bytes.length; ; length >>>= 7) {
        if (length < 0x80) {
          section.write(length);
          break;
        }
        section.write((length & 0x7f) | 0x80);
      }
      section.writeBytes(bytes);
    }
    byte[] elf = new TestElf().section(".text", new byte[100]).section(".go.buildinfo", section.toByteArray()).build();
    assertGoPackages(Analyzers.packages(new GoBinaryAnalyzer(), "/usr/local/bin/app", elf));
  }

  @Test
  void readsPointerGoBuildInfoThroughTheSegments() throws IOException {
    TestElf elf = new TestElf().section(".text", new byte[64]);
    long address = elf.nextAddress();
    byte[] version = ascii("go1.21.5");
    byte[] modInfo = ascii(MOD_INFO);
    // header (32) | version string header (16) | modinfo string header (16) | version | modinfo
    ByteBuffer section = ByteBuffer.allocate(64 + version.length + modInfo.length).order(ByteOrder.LITTLE_ENDIAN);
    section.put(buildInfoHeader(8, 0));
    section.putLong(16, address + 32).putLong(24, address + 48);
    section.putLong(32, address + 64).putLong(40, version.length);
    section.putLong(48, address + 64 + version.length).putLong(56, modInfo.length);
    section.put(64, version).put(64 + version.length, modInfo);
    elf.section(".go.buildinfo", section.array());
    assertGoPackages(Analyzers.packages(new GoBinaryAnalyzer(), "/app", elf.build()));
  }

  @Test
  void findsGoBuildInfoWithoutSectionHeaders() throws IOException {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    data.writeBytes(new TestElf().build());
    while (data.size() % 16 != 0) {
      data.write(0);
    }
    data.writeBytes(buildInfoHeader(8, 2));
    data.write(8);
    data.writeBytes(ascii("go1.22.1"));
    data.write(0);
    List<InstalledPackage> packages = Analyzers.packages(new GoBinaryAnalyzer(), "/app", data.toByteArray());
    assertThat(packages).extracting(InstalledPackage::name, InstalledPackage::version)
        .containsExactly(tuple("stdlib", "1.22.1"));
  }

  @Test
  void pointerOutsideAnySegmentFailsPrecisely() {
    TestElf elf = new TestElf();
    ByteBuffer section = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
    section.put(buildInfoHeader(8, 0));
    section.putLong(16, 0x7fff_0000_0000L).putLong(24, 0x10);
    elf.section(".go.buildinfo", section.array());
    byte[] binary = elf.build();
    assertThatThrownBy(() -> Analyzers.packages(new GoBinaryAnalyzer(), "/app", binary))
        .isInstanceOf(MalformedContentException.class).hasMessageContaining("not in a loaded segment");
  }

  @Test
  void ignoresNonGoAndNonElfExecutables() throws IOException {
    assertThat(Analyzers.packages(new GoBinaryAnalyzer(), "/bin/sh", ascii("#!/bin/sh\necho hello world, long enough\n")))
        .isEmpty();
    assertThat(Analyzers.packages(new GoBinaryAnalyzer(), "/bin/c", new TestElf().section(".text", new byte[40]).build()))
        .isEmpty();
  }

  @Test
  void readsCargoAuditableDependencies() throws IOException {
    String json = """
        {"packages":[
          {"name":"myapp","version":"0.1.0","source":"local","root":true,"dependencies":[1,2]},
          {"name":"serde","version":"1.0.188","source":"crates.io"},
          {"name":"regex","version":"1.9.5","source":"crates.io","kind":"runtime"}]}
        """;
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (DeflaterOutputStream zlib = new DeflaterOutputStream(compressed)) {
      zlib.write(ascii(json));
    }
    byte[] elf = new TestElf().section(".dep-v0", compressed.toByteArray()).build();
    assertThat(Analyzers.packages(new CargoAuditableAnalyzer(), "/usr/bin/myapp", elf))
        .extracting(InstalledPackage::ecosystem, InstalledPackage::name, InstalledPackage::version,
            InstalledPackage::purl)
        .containsExactly(tuple("crates.io", "serde", "1.0.188", "pkg:cargo/serde@1.0.188"),
            tuple("crates.io", "regex", "1.9.5", "pkg:cargo/regex@1.9.5"));
  }

  @Test
  void cargoZlibBombIsRefused() throws IOException {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (DeflaterOutputStream zlib = new DeflaterOutputStream(compressed)) {
      zlib.write(new byte[32 * 1024 * 1024]);
    }
    byte[] elf = new TestElf().section(".dep-v0", compressed.toByteArray()).build();
    assertThatThrownBy(() -> Analyzers.packages(new CargoAuditableAnalyzer(), "/usr/bin/x", elf))
        .isInstanceOf(MalformedContentException.class).hasMessageContaining("inflates beyond");
  }
}
