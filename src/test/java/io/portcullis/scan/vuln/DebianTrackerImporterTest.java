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

class DebianTrackerImporterTest {

  private static final String EXPORT = """
      {"openssl": {
         "CVE-2023-0286": {"description": "X.400 address type confusion", "scope": "remote",
           "releases": {
             "bookworm": {"status": "resolved", "repositories": {"bookworm": "3.0.11-1~deb12u2"},
                          "fixed_version": "3.0.8-1", "urgency": "not yet assigned"},
             "bullseye": {"status": "resolved", "fixed_version": "1.1.1n-0+deb11u4", "urgency": "medium**"},
             "trixie": {"status": "resolved", "fixed_version": "0", "urgency": "unimportant"},
             "sid": {"status": "resolved", "fixed_version": "3.0.8-1"}}},
         "CVE-2010-0928": {"description": "side channel",
           "releases": {"bookworm": {"status": "open", "urgency": "unimportant"},
                        "bullseye": {"status": "undetermined", "urgency": "low"}}}},
       "glibc": {
         "CVE-2023-0286": {"releases": {"bookworm": {"status": "open", "urgency": "high"}}}}}
      """;

  private static List<Advisory> importAll(Path path) throws IOException {
    List<Advisory> out = new ArrayList<>();
    new DebianTrackerImporter().importPath(path, out::add, ImportProgress.NONE);
    return out;
  }

  @Test
  void trackerExportMapsReleasesStatusesAndUrgency(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("tracker.json");
    Files.writeString(file, EXPORT);

    List<Advisory> advisories = importAll(file);

    assertThat(advisories).extracting(Advisory::id).containsExactly("DEBIAN-CVE-2023-0286", "DEBIAN-CVE-2010-0928");
    Advisory a = advisories.getFirst();
    assertThat(a.upstream()).containsExactly("CVE-2023-0286");
    assertThat(a.summary()).isEqualTo("X.400 address type confusion");
    assertThat(a.affected()).extracting(p -> p.ecosystem() + " " + p.name() + " " + p.ranges().getFirst().events()
            .stream().map(e -> e.kind() + "=" + e.version()).toList() + " " + p.severityLabel())
        .containsExactly(
            "Debian:12 openssl [INTRODUCED=0, FIXED=3.0.8-1] null",
            "Debian:11 openssl [INTRODUCED=0, FIXED=1.1.1n-0+deb11u4] medium",
            "Debian:12 glibc [INTRODUCED=0] high");
    assertThat(advisories.get(1).affected()).extracting(p -> p.ecosystem() + " " + p.severityLabel())
        .containsExactly("Debian:12 unimportant", "Debian:11 low");
  }

  @Test
  void listEntriesInheritTheUnstableLineUnlessAReleaseHasItsOwn(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("CVE-2011-3374.json"), """
        {"Header": {"ID": "CVE-2011-3374", "Description": "(apt-key does not validate ...)"},
         "Annotations": [
           {"Type": "package", "Package": "apt", "Kind": "unfixed", "Severity": "unimportant"},
           {"Type": "package", "Release": "bullseye", "Package": "apt", "Kind": "not-affected"},
           {"Type": "package", "Release": "buster", "Package": "apt", "Kind": "fixed", "Version": "1.8.2.3"},
           {"Type": "NOTE", "Description": "whatever"}]}
        """);
    Files.writeString(dir.resolve("DSA-5678-1.json"), """
        {"Header": {"ID": "DSA-5678-1", "Description": "glibc - security update"},
         "Annotations": [
           {"Type": "xref", "Bugs": ["CVE-2024-33599", "CVE-2024-33600"]},
           {"Type": "package", "Release": "bookworm", "Package": "glibc", "Kind": "fixed", "Version": "2.36-9+deb12u7"}]}
        """);

    List<Advisory> advisories = importAll(dir);

    Advisory cve = advisories.stream().filter(a -> a.id().equals("DEBIAN-CVE-2011-3374")).findFirst().orElseThrow();
    assertThat(cve.upstream()).containsExactly("CVE-2011-3374");
    assertThat(cve.summary()).isEqualTo("apt-key does not validate ...");
    assertThat(cve.affected()).extracting(AffectedPackage::ecosystem)
        .contains("Debian:12", "Debian:13", "Debian:10").doesNotContain("Debian:11");
    assertThat(cve.affected()).filteredOn(p -> p.ecosystem().equals("Debian:12")).singleElement()
        .satisfies(p -> {
          assertThat(p.ranges().getFirst().events()).hasSize(1);
          assertThat(p.severityLabel()).isEqualTo("unimportant");
        });
    assertThat(cve.affected()).filteredOn(p -> p.ecosystem().equals("Debian:10")).singleElement()
        .satisfies(p -> assertThat(p.ranges().getFirst().events().get(1).version()).isEqualTo("1.8.2.3"));

    Advisory dsa = advisories.stream().filter(a -> a.id().equals("DSA-5678-1")).findFirst().orElseThrow();
    assertThat(dsa.related()).containsExactly("CVE-2024-33599", "CVE-2024-33600");
    assertThat(dsa.aliases()).isEmpty();
    assertThat(dsa.affected()).singleElement().satisfies(p -> {
      assertThat(p.ecosystem()).isEqualTo("Debian:12");
      assertThat(p.name()).isEqualTo("glibc");
    });
  }

  @Test
  void unknownStatusesAreRejectedNotGuessed(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("t.json");
    Files.writeString(file, "{\"p\": {\"CVE-1\": {\"releases\": {\"bookworm\": {\"status\": \"maybe\"}}}}}");

    assertThatThrownBy(() -> importAll(file)).isInstanceOf(AdvisoryFormatException.class)
        .hasMessageContaining("maybe").hasMessageContaining("t.json");
  }
}
