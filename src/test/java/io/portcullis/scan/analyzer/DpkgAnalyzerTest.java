package io.portcullis.scan.analyzer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.portcullis.scan.inventory.InstalledPackage;
import io.portcullis.scan.layer.LayerEntry;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DpkgAnalyzerTest {

  private final DpkgAnalyzer analyzer = new DpkgAnalyzer();

  @Test
  void readsInstalledPackagesWithSourcesAndArchitectures() throws IOException {
    List<InstalledPackage> packages = Analyzers.packages(analyzer, "/var/lib/dpkg/status", """
        Package: libc6
        Status: install ok installed
        Architecture: amd64
        Multi-Arch: same
        Source: glibc
        Version: 2.36-9+deb12u4
        Description: GNU C Library
         continuation line
         .
         more

        Package: bsdutils
        Status: install ok installed
        Architecture: amd64
        Source: util-linux (2.38.1-5+deb12u3)
        Version: 1:2.38.1-5+deb12u3

        Package: removed-pkg
        Status: deinstall ok config-files
        Version: 1.0

        Package: libc6
        Status: install ok installed
        Architecture: i386
        Source: glibc
        Version: 2.36-9+deb12u4
        """);
    assertThat(packages).extracting(InstalledPackage::name, InstalledPackage::version, InstalledPackage::sourceName,
            InstalledPackage::sourceVersion, InstalledPackage::purl)
        .containsExactly(
            tuple("libc6", "2.36-9+deb12u4", "glibc", "2.36-9+deb12u4",
                "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64"),
            tuple("bsdutils", "1:2.38.1-5+deb12u3", "util-linux", "2.38.1-5+deb12u3",
                "pkg:deb/debian/bsdutils@1%3A2.38.1-5%2Bdeb12u3?arch=amd64"),
            tuple("libc6", "2.36-9+deb12u4", "glibc", "2.36-9+deb12u4",
                "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=i386"));
    assertThat(packages).allSatisfy(p -> {
      assertThat(p.awaitsDistro()).isTrue();
      assertThat(p.path()).isEqualTo("/var/lib/dpkg/status");
    });
  }

  @Test
  void readsDistrolessStatusDirectoryFiles() throws IOException {
    List<InstalledPackage> packages = Analyzers.packages(analyzer, "/var/lib/dpkg/status.d/base-files", """
        Package: base-files
        Version: 12.4+deb12u5
        Architecture: amd64
        """);
    assertThat(packages).extracting(InstalledPackage::name, InstalledPackage::sourceName)
        .containsExactly(tuple("base-files", "base-files"));
    assertThat(analyzer.wants(new LayerEntry("/var/lib/dpkg/status.d/base-files.md5sums", 10, 0644))).isFalse();
    assertThat(analyzer.wants(new LayerEntry("/var/lib/dpkg/status-old", 10, 0644))).isFalse();
  }
}
