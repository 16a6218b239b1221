package io.portcullis.scan.vuln;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlpineSecdbImporterTest {

  private static final String OFFICIAL = """
      {"apkurl": "{{urlprefix}}/{{distroversion}}/{{reponame}}/{{arch}}/{{pkg.name}}-{{pkg.ver}}.apk",
       "archs": ["x86_64"], "reponame": "main", "urlprefix": "https://dl-cdn.alpinelinux.org/alpine",
       "distroversion": "v3.18",
       "packages": [
         {"pkg": {"name": "openssl", "secfixes": {
            "0": ["CVE-2022-1292"],
            "3.1.0-r2": ["CVE-2023-0464"],
            "3.1.1-r0": ["CVE-2023-1255 CVE-2023-2650", "ALPINE-14000"]}}},
         {"pkg": {"name": "openssl3", "secfixes": {"3.1.0-r3": ["CVE-2023-0464"]}}},
         {"pkg": {"name": "zlib"}}]}
      """;

  private static List<Advisory> importAll(Path path) throws IOException {
    List<Advisory> out = new ArrayList<>();
    new AlpineSecdbImporter().importPath(path, out::add, ImportProgress.NONE);
    return out;
  }

  @Test
  void officialSecdbBecomesOneRecordPerIdWithARangePerFix(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("main.json");
    Files.writeString(file, OFFICIAL);

    List<Advisory> advisories = importAll(file);

    assertThat(advisories).extracting(Advisory::id)
        .containsExactly("ALPINE-CVE-2023-0464", "ALPINE-CVE-2023-1255", "ALPINE-14000");
    Advisory cve = advisories.getFirst();
    assertThat(cve.aliases()).containsExactly("CVE-2023-0464");
    assertThat(cve.affected()).extracting(AffectedPackage::name).containsExactly("openssl", "openssl3");
    assertThat(cve.affected()).allSatisfy(p -> assertThat(p.ecosystem()).isEqualTo("Alpine:v3.18"));
    assertThat(cve.affected().getFirst().ranges()).singleElement().satisfies(r -> assertThat(r.events())
        .containsExactly(new VersionRange.Event(VersionRange.EventKind.INTRODUCED, "0"),
            new VersionRange.Event(VersionRange.EventKind.FIXED, "3.1.0-r2")));
    assertThat(advisories.get(2).aliases()).isEmpty();
  }

  @Test
  void fixedInZeroMeansNeverAffected(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("main.json");
    Files.writeString(file, OFFICIAL);

    assertThat(importAll(file)).extracting(Advisory::id).doesNotContain("ALPINE-CVE-2022-1292");
  }

  @Test
  void releaseComesFromThePathWhenTheFileHasNone(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("3.16/main/busybox.json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{\"name\": \"busybox\", \"secfixes\": {\"1.35.0-r18\": [\"CVE-2023-42366\"]}}");

    assertThat(importAll(dir)).singleElement()
        .satisfies(a -> assertThat(a.affected().getFirst().ecosystem()).isEqualTo("Alpine:v3.16"));
  }

  @Test
  void malformedSecdbIsRejected(@TempDir Path dir) throws IOException {
    Path noRelease = dir.resolve("x.json");
    Files.writeString(noRelease, "{\"name\": \"busybox\", \"secfixes\": {}}");
    assertThatThrownBy(() -> importAll(noRelease)).isInstanceOf(AdvisoryFormatException.class)
        .hasMessageContaining("distroversion");
    Path badFixes = dir.resolve("v3.16.json");
    Files.writeString(badFixes, "{\"distroversion\": \"v3.16\", \"name\": \"b\", \"secfixes\": {\"1.0-r0\": \"CVE-1\"}}");
    assertThatThrownBy(() -> importAll(badFixes)).isInstanceOf(AdvisoryFormatException.class)
        .hasMessageContaining("not a list");
  }
}
