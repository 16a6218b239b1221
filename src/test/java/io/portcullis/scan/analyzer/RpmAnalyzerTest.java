package io.portcullis.scan.analyzer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.portcullis.scan.inventory.InstalledPackage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real rpm header blobs (see src/test/resources/scan/rpm/README.md) in all three database formats. */
class RpmAnalyzerTest {

  private final RpmAnalyzer analyzer = new RpmAnalyzer();

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = RpmAnalyzerTest.class.getResourceAsStream("/scan/rpm/" + name)) {
      return in.readAllBytes();
    }
  }

  private static void assertFixturePackages(List<InstalledPackage> packages, String path) {
    assertThat(packages).extracting(InstalledPackage::name, InstalledPackage::version, InstalledPackage::sourceName,
            InstalledPackage::sourceVersion, InstalledPackage::licenses, InstalledPackage::purl)
        .containsExactlyInAnyOrder(
            tuple("hello-fixture", "2:1.2.3-4.el9", "hello-fixture", "2:1.2.3-4.el9", List.of("Apache-2.0"),
                "pkg:rpm/redhat/hello-fixture@1.2.3-4.el9?arch=noarch&epoch=2"),
            tuple("libfoo", "0.9-1", "libfoo", "0.9-1", List.of("MIT"), "pkg:rpm/redhat/libfoo@0.9-1?arch=noarch"));
    assertThat(packages).allSatisfy(p -> {
      assertThat(p.path()).isEqualTo(path);
      assertThat(p.awaitsDistro()).isTrue();
    });
  }

  @Test
  void readsBerkeleyDbHashWithOverflowPages() throws IOException {
    assertFixturePackages(Analyzers.packages(analyzer, "/var/lib/rpm/Packages", resource("Packages")),
        "/var/lib/rpm/Packages");
  }

  @Test
  void readsSqlite(@TempDir Path dir) throws IOException, SQLException {
    Path db = dir.resolve("rpmdb.sqlite");
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)");
      }
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO Packages (blob) VALUES (?)")) {
        for (String name : List.of("pkg1.hdr", "pkg2.hdr")) {
          insert.setBytes(1, resource(name));
          insert.executeUpdate();
        }
      }
    }
    assertFixturePackages(Analyzers.packages(analyzer, "/usr/lib/sysimage/rpm/rpmdb.sqlite", Files.readAllBytes(db)),
        "/usr/lib/sysimage/rpm/rpmdb.sqlite");
  }

  @Test
  void readsNdb() throws IOException {
    assertFixturePackages(Analyzers.packages(analyzer, "/usr/lib/sysimage/rpm/Packages.db",
        ndb(resource("pkg1.hdr"), resource("pkg2.hdr"))), "/usr/lib/sysimage/rpm/Packages.db");
  }

  @Test
  void truncatedBerkeleyDbFailsPrecisely() throws IOException {
    byte[] truncated = Arrays.copyOf(resource("Packages"), 3 * 4096);
    assertThatThrownBy(() -> Analyzers.packages(analyzer, "/var/lib/rpm/Packages", truncated))
        .isInstanceOf(MalformedContentException.class).hasMessageContaining("Berkeley DB");
  }

  @Test
  void overflowChainLoopIsCaught() throws IOException {
    byte[] db = resource("Packages");
    ByteBuffer pages = ByteBuffer.wrap(db).order(ByteOrder.LITTLE_ENDIAN);
    for (int page = 1; page < db.length / 4096; page++) {
      int base = page * 4096;
      if (db[base + 25] == 7) {
        pages.putInt(base + 16, page); // overflow page continues with itself
      } else if (db[base + 25] == 13 || db[base + 25] == 2) {
        for (int item = 1; item < pages.getShort(base + 20); item += 2) {
          int offset = base + pages.getShort(base + 26 + 2 * item);
          if (db[offset] == 3) {
            pages.putInt(offset + 8, 3 * 4096); // value longer than one page: the chain must be followed
          }
        }
      }
    }
    assertThatThrownBy(() -> Analyzers.packages(analyzer, "/var/lib/rpm/Packages", db))
        .isInstanceOf(MalformedContentException.class);
  }

  @Test
  void ndbSlotPointingOutsideTheFileFailsPrecisely() throws IOException {
    byte[] db = ndb(resource("pkg1.hdr"));
    ByteBuffer.wrap(db, 32 + 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(0x7fffffff);
    assertThatThrownBy(() -> Analyzers.packages(analyzer, "/var/lib/rpm/Packages.db", db))
        .isInstanceOf(MalformedContentException.class).hasMessageContaining("outside");
  }

  @Test
  void headerWithOutOfBoundsIndexFailsPrecisely() throws IOException {
    byte[] header = resource("pkg1.hdr");
    ByteBuffer.wrap(header, 0, 4).putInt(200); // more index entries than the blob holds
    assertThatThrownBy(() -> Analyzers.packages(analyzer, "/var/lib/rpm/Packages.db", ndb(header)))
        .isInstanceOf(MalformedContentException.class).hasMessageContaining("rpm header");
  }

  @Test
  void unknownContentIsNotAnRpmDatabase() {
    assertThatThrownBy(() -> Analyzers.packages(analyzer, "/var/lib/rpm/Packages", new byte[8192]))
        .isInstanceOf(MalformedContentException.class).hasMessageContaining("not an rpm database");
  }

  @Test
  void sourceRpmNamesSplitIntoNameAndVersion() {
    assertThat(RpmAnalyzer.sourcePackage("openssl-1.1.1k-5.el8_5.src.rpm")).containsExactly("openssl", "1.1.1k-5.el8_5");
    assertThat(RpmAnalyzer.sourcePackage("python3-pip-wheel-9.0.3-22.el8.src.rpm"))
        .containsExactly("python3-pip-wheel", "9.0.3-22.el8");
    assertThat(RpmAnalyzer.sourcePackage("(none)")).isNull();
  }

  /** An NDB Packages.db as rpm's ndb backend lays it out: one slot page, blobs in 16-byte blocks after it. */
  static byte[] ndb(byte[]... headers) {
    int size = 4096;
    for (byte[] header : headers) {
      size += align16(16 + header.length + 12);
    }
    ByteBuffer db = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    db.putInt(0, 0x506d7052).putInt(4, 0).putInt(8, 1).putInt(12, 1).putInt(16, headers.length + 1);
    for (int slot = 32; slot < 4096; slot += 16) {
      db.putInt(slot, 0x746f6c53);
    }
    int offset = 4096;
    for (int i = 0; i < headers.length; i++) {
      byte[] header = headers[i];
      int blocks = align16(16 + header.length + 12) / 16;
      db.putInt(32 + 16 * i + 4, i + 1).putInt(32 + 16 * i + 8, offset / 16).putInt(32 + 16 * i + 12, blocks);
      db.putInt(offset, 0x53626c42).putInt(offset + 4, i + 1).putInt(offset + 8, 1).putInt(offset + 12, header.length);
      db.put(offset + 16, header);
      int tail = offset + blocks * 16 - 12;
      db.putInt(tail, 0).putInt(tail + 4, header.length).putInt(tail + 8, 0x45626c42);
      offset += blocks * 16;
    }
    return db.array();
  }

  private static int align16(int value) {
    return (value + 15) & ~15;
  }
}
