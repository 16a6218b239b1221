package io.portcullis.scan.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EcosystemsTest {

  @Test
  void mapsOsvEcosystemsToOrderings() {
    assertThat(Ecosystems.comparatorFor("Alpine:v3.16")).isSameAs(ApkVersionComparator.INSTANCE);
    assertThat(Ecosystems.comparatorFor("Debian:12")).isSameAs(DpkgVersionComparator.INSTANCE);
    assertThat(Ecosystems.comparatorFor("Ubuntu:22.04:LTS")).isSameAs(DpkgVersionComparator.INSTANCE);
    assertThat(Ecosystems.comparatorFor("Red Hat")).isSameAs(RpmVersionComparator.INSTANCE);
    assertThat(Ecosystems.comparatorFor("Rocky Linux:9")).isSameAs(RpmVersionComparator.INSTANCE);
    assertThat(Ecosystems.comparatorFor("AlmaLinux:8")).isSameAs(RpmVersionComparator.INSTANCE);
    assertThat(Ecosystems.comparatorFor("openSUSE:Leap 15.5")).isSameAs(RpmVersionComparator.INSTANCE);
    assertThat(Ecosystems.comparatorFor("Maven")).isSameAs(MavenVersionComparator.INSTANCE);
    assertThat(Ecosystems.comparatorFor("npm")).isSameAs(SemverComparator.NPM);
    assertThat(Ecosystems.comparatorFor("PyPI")).isSameAs(Pep440VersionComparator.INSTANCE);
    assertThat(Ecosystems.comparatorFor("Go")).isSameAs(SemverComparator.GO);
    assertThat(Ecosystems.comparatorFor("RubyGems")).isSameAs(RubyGemsVersionComparator.INSTANCE);
    assertThat(Ecosystems.comparatorFor("crates.io")).isSameAs(SemverComparator.SEMVER);
    assertThat(Ecosystems.comparatorFor("Packagist")).isSameAs(ComposerVersionComparator.INSTANCE);
    assertThat(Ecosystems.comparatorFor("NuGet")).isSameAs(SemverComparator.NUGET);
    assertThatThrownBy(() -> Ecosystems.comparatorFor("Bioconductor"))
        .isInstanceOf(UnsupportedEcosystemException.class).hasMessageContaining("Bioconductor");
  }

  @Test
  void normalisesReleasesAndSpelling() {
    assertThat(Ecosystems.normalize("Alpine:3.16")).isEqualTo("Alpine:v3.16");
    assertThat(Ecosystems.normalize("Alpine:v3.16.9")).isEqualTo("Alpine:v3.16");
    assertThat(Ecosystems.normalize("alpine:v3.16")).isEqualTo("Alpine:v3.16");
    assertThat(Ecosystems.normalize("Debian:12.15")).isEqualTo("Debian:12");
    assertThat(Ecosystems.normalize("Debian:bookworm")).isEqualTo("Debian:12");
    assertThat(Ecosystems.normalize("pypi")).isEqualTo("PyPI");
    assertThat(Ecosystems.normalize("maven")).isEqualTo("Maven");
    assertThat(Ecosystems.isDistribution("Debian:12")).isTrue();
    assertThat(Ecosystems.isDistribution("Alpine:v3.16")).isTrue();
    assertThat(Ecosystems.isDistribution("Maven")).isFalse();
  }
}
