package io.portcullis.scan.analyzer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.portcullis.scan.inventory.InstalledPackage;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApkAnalyzerTest {

  @Test
  void readsPackagesWithOriginsAndLicenses() throws IOException {
    List<InstalledPackage> packages = Analyzers.packages(new ApkAnalyzer(), "/lib/apk/db/installed", """
        C:Q1abc=
        P:ssl_client
        V:1.35.0-r17
        A:x86_64
        L:GPL-2.0-only
        o:busybox
        F:usr/bin
        R:ssl_client

        P:zlib
        V:1.2.12-r3
        A:x86_64
        L:Zlib
        o:zlib

        P:incomplete
        """);
    assertThat(packages).extracting(InstalledPackage::name, InstalledPackage::version, InstalledPackage::sourceName,
            InstalledPackage::licenses, InstalledPackage::purl)
        .containsExactly(
            tuple("ssl_client", "1.35.0-r17", "busybox", List.of("GPL-2.0-only"),
                "pkg:apk/alpine/ssl_client@1.35.0-r17?arch=x86_64"),
            tuple("zlib", "1.2.12-r3", "zlib", List.of("Zlib"), "pkg:apk/alpine/zlib@1.2.12-r3?arch=x86_64"));
  }
}
