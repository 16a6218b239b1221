package io.portcullis.scan.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.scan.inventory.OsRelease;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OsReleaseAnalyzerTest {

  private final OsReleaseAnalyzer analyzer = new OsReleaseAnalyzer();

  private OsRelease release(String path, String content) throws IOException {
    return Analyzers.run(analyzer, path, content.getBytes(StandardCharsets.UTF_8)).osRelease();
  }

  @Test
  void readsOsReleaseWithQuotesAndComments() throws IOException {
    OsRelease debian = release("/usr/lib/os-release", """
        # comment
        PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
        NAME="Debian GNU/Linux"
        VERSION_ID="12"
        ID=debian
        """);
    assertThat(debian.ecosystem()).isEqualTo("Debian:12");
    assertThat(debian.name()).isEqualTo("Debian GNU/Linux 12 (bookworm)");
    assertThat(release("/etc/os-release", "ID=alpine\nVERSION_ID=3.16.9\n").ecosystem()).isEqualTo("Alpine:v3.16");
    assertThat(release("/etc/os-release", "ID='ubuntu'\nVERSION_ID=\"22.04\"\n").ecosystem()).isEqualTo("Ubuntu:22.04");
    assertThat(release("/etc/os-release", "ID=\"rocky\"\nVERSION_ID=\"9.3\"\n").ecosystem()).isEqualTo("Rocky Linux");
    assertThat(release("/etc/os-release", "NAME=nothing\n")).isNull();
  }

  @Test
  void readsDistroReleaseFiles() throws IOException {
    assertThat(release("/etc/alpine-release", "3.18.4\n").ecosystem()).isEqualTo("Alpine:v3.18");
    assertThat(release("/etc/debian_version", "11.8\n").ecosystem()).isEqualTo("Debian:11");
    assertThat(release("/etc/debian_version", "trixie/sid\n").ecosystem()).isEqualTo("Debian");
    assertThat(release("/etc/redhat-release", "Red Hat Enterprise Linux release 8.9 (Ootpa)\n"))
        .satisfies(r -> {
          assertThat(r.ecosystem()).isEqualTo("Red Hat");
          assertThat(r.versionId()).isEqualTo("8.9");
        });
    assertThat(release("/etc/centos-release", "CentOS Linux release 7.9.2009 (Core)").id()).isEqualTo("centos");
    assertThat(release("/etc/almalinux-release", "AlmaLinux release 9.3 (Shamrock Pampas Cat)").ecosystem())
        .isEqualTo("AlmaLinux");
  }

  @Test
  void prefersOsReleaseOverDistroFilesWhateverTheOrder() throws IOException {
    Findings findings = new Findings();
    findings.osRelease(new OsRelease("debian", "12.15", "x", "/etc/debian_version"), 7);
    findings.osRelease(new OsRelease("debian", "12", "y", "/usr/lib/os-release"), 1);
    findings.osRelease(new OsRelease("debian", "12.15", "x", "/etc/debian_version"), 7);
    assertThat(findings.osRelease().path()).isEqualTo("/usr/lib/os-release");
  }
}
