package io.portcullis.scan.vuln;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OsvImporterTest {

  private static final String RECORD = """
      {"schema_version": "1.6.0", "id": "GHSA-xxxx-yyyy-zzzz", "modified": "2024-03-15T00:14:44Z",
       "published": "2022-10-03T00:00:31Z", "aliases": ["CVE-2022-42003"], "upstream": ["CVE-2022-1"],
       "related": ["CVE-2022-2"], "summary": "Resource exhaustion", "details": "Long text",
       "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}],
       "affected": [
         {"package": {"ecosystem": "Maven", "name": "com.fasterxml.jackson.core:jackson-databind",
                      "purl": "pkg:maven/com.fasterxml.jackson.core/jackson-databind"},
          "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.4.0-rc1"}, {"fixed": "2.12.7.1"}]},
                     {"type": "GIT", "repo": "https://example.org/r", "events": [{"introduced": "abc"}]}],
          "versions": ["2.4.0-rc1"],
          "ecosystem_specific": {"urgency": "low"}},
         {"ranges": [{"type": "GIT", "repo": "https://example.org/r", "events": [{"introduced": "0"}]}]}],
       "references": [{"type": "ADVISORY", "url": "https://nvd.nist.gov/vuln/detail/CVE-2022-42003"}],
       "database_specific": {"severity": "HIGH", "github_reviewed": true}}
      """;

  private final OsvImporter importer = new OsvImporter();

  @Test
  void mapsEveryOsvField() throws AdvisoryFormatException {
    Advisory a = importer.parse(RECORD.getBytes(StandardCharsets.UTF_8), "r.json");

    assertThat(a.id()).isEqualTo("GHSA-xxxx-yyyy-zzzz");
    assertThat(a.aliases()).containsExactly("CVE-2022-42003");
    assertThat(a.upstream()).containsExactly("CVE-2022-1");
    assertThat(a.related()).containsExactly("CVE-2022-2");
    assertThat(a.summary()).isEqualTo("Resource exhaustion");
    assertThat(a.details()).isEqualTo("Long text");
    assertThat(a.published()).isEqualTo(Instant.parse("2022-10-03T00:00:31Z"));
    assertThat(a.modified()).isEqualTo(Instant.parse("2024-03-15T00:14:44Z"));
    assertThat(a.isWithdrawn()).isFalse();
    assertThat(a.severity()).containsExactly(
        new SeverityEntry("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"));
    assertThat(a.severityLabel()).isEqualTo("HIGH");
    assertThat(a.references()).containsExactly(
        new Reference("ADVISORY", "https://nvd.nist.gov/vuln/detail/CVE-2022-42003"));
    assertThat(a.affected()).singleElement().satisfies(p -> {
      assertThat(p.ecosystem()).isEqualTo("Maven");
      assertThat(p.name()).isEqualTo("com.fasterxml.jackson.core:jackson-databind");
      assertThat(p.purl()).isEqualTo("pkg:maven/com.fasterxml.jackson.core/jackson-databind");
      assertThat(p.versions()).containsExactly("2.4.0-rc1");
      assertThat(p.severityLabel()).isEqualTo("low");
      assertThat(p.ranges()).extracting(VersionRange::type)
          .containsExactly(VersionRange.Type.ECOSYSTEM, VersionRange.Type.GIT);
      assertThat(p.ranges().getFirst().events()).containsExactly(
          new VersionRange.Event(VersionRange.EventKind.INTRODUCED, "2.4.0-rc1"),
          new VersionRange.Event(VersionRange.EventKind.FIXED, "2.12.7.1"));
    });
  }

  @Test
  void rejectsMalformedRecordsNamingTheSource() {
    assertFormatError("not json", "bad.json", "not valid JSON");
    assertFormatError("[1]", "bad.json", "JSON object");
    assertFormatError("{\"summary\": \"x\"}", "bad.json", "without 'id'");
    assertFormatError("{\"id\": \"X\", \"aliases\": \"CVE-1\"}", "bad.json", "'aliases' is not an array");
    assertFormatError("{\"id\": \"X\", \"modified\": \"yesterday\"}", "bad.json", "RFC 3339");
    assertFormatError("""
        {"id": "X", "affected": [{"package": {"ecosystem": "npm", "name": "x"},
          "ranges": [{"type": "CALVER", "events": []}]}]}""", "bad.json", "unknown range type");
    assertFormatError("""
        {"id": "X", "affected": [{"package": {"ecosystem": "npm", "name": "x"},
          "ranges": [{"type": "SEMVER", "events": [{"introduced": "0", "fixed": "1.0.0"}]}]}]}""",
        "bad.json", "more than one kind");
  }

  private void assertFormatError(String json, String source, String message) {
    assertThatThrownBy(() -> importer.parse(json.getBytes(StandardCharsets.UTF_8), source))
        .isInstanceOf(AdvisoryFormatException.class)
        .hasMessageContaining(source).hasMessageContaining(message);
  }

  @Test
  void importsADirectoryTreeInPathOrderWithProgress(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("a/b"));
    Files.writeString(dir.resolve("a/b/B.json"), "{\"id\": \"B\"}");
    Files.writeString(dir.resolve("a/A.json"), "{\"id\": \"A\"}");
    Files.writeString(dir.resolve("README.md"), "not a record");
    List<String> ids = new ArrayList<>();
    List<Long> progress = new ArrayList<>();

    long count = importer.importDirectory(dir, a -> ids.add(a.id()), (n, source) -> progress.add(n));

    assertThat(count).isEqualTo(2);
    assertThat(ids).containsExactly("A", "B");
    assertThat(progress).containsExactly(1L, 2L);
  }

  @Test
  void importsAnOsvZipArchive(@TempDir Path dir) throws IOException {
    Path zip = zip(dir, List.of("GHSA-1.json", "GHSA-2.json", "notes.txt"),
        List.of("{\"id\": \"GHSA-1\"}", "{\"id\": \"GHSA-2\"}", "ignored"));
    List<String> ids = new ArrayList<>();

    assertThat(importer.importZip(zip, a -> ids.add(a.id()), ImportProgress.NONE)).isEqualTo(2);
    assertThat(ids).containsExactly("GHSA-1", "GHSA-2");
  }

  @Test
  void zipBombsHitTheLimits(@TempDir Path dir) throws IOException {
    String big = "{\"id\": \"X\", \"details\": \"" + "A".repeat(10_000) + "\"}";
    Path zip = zip(dir, List.of("1.json", "2.json", "3.json"), List.of(big, big, big));

    assertThatThrownBy(() -> new OsvImporter(new ImportLimits(2, 1 << 20, 1 << 30, 1 << 30))
        .importZip(zip, a -> {}, ImportProgress.NONE))
        .isInstanceOf(ImportLimitException.class).hasMessageContaining("entry count");
    assertThatThrownBy(() -> new OsvImporter(new ImportLimits(10, 5_000, 1 << 30, 1 << 30))
        .importZip(zip, a -> {}, ImportProgress.NONE))
        .isInstanceOf(ImportLimitException.class).hasMessageContaining("record size");
    assertThatThrownBy(() -> new OsvImporter(new ImportLimits(10, 1 << 20, 25_000, 1 << 30))
        .importZip(zip, a -> {}, ImportProgress.NONE))
        .isInstanceOf(ImportLimitException.class).hasMessageContaining("total uncompressed bytes");
  }

  @Test
  void oversizedFilesInADirectoryAreRefusedBeforeReading(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("big.json"), "{\"id\": \"X\", \"details\": \"" + "A".repeat(2_000) + "\"}");

    assertThatThrownBy(() -> new OsvImporter(new ImportLimits(10, 1_000, 1 << 30, 1 << 30))
        .importDirectory(dir, a -> {}, ImportProgress.NONE))
        .isInstanceOf(ImportLimitException.class).hasMessageContaining("big.json");
  }

  private static Path zip(Path dir, List<String> names, List<String> contents) throws IOException {
    Path zip = dir.resolve("all.zip");
    try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
      for (int i = 0; i < names.size(); i++) {
        z.putNextEntry(new ZipEntry(names.get(i)));
        z.write(contents.get(i).getBytes(StandardCharsets.UTF_8));
        z.closeEntry();
      }
    }
    return zip;
  }
}
