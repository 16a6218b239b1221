package io.portcullis.scan.layer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LayerPathsTest {

  @Test
  void normalisesRelativeDotAndAbsoluteNames() {
    assertThat(LayerPaths.normalizeEntry("./etc/os-release")).contains("/etc/os-release");
    assertThat(LayerPaths.normalizeEntry("/etc//apk/./db/")).contains("/etc/apk/db");
    assertThat(LayerPaths.normalizeEntry("usr/lib/../share/x")).contains("/usr/share/x");
    assertThat(LayerPaths.normalizeEntry("./")).contains("/");
  }

  @Test
  void refusesNamesThatClimbAboveTheRoot() {
    assertThat(LayerPaths.normalizeEntry("../etc/passwd")).isEmpty();
    assertThat(LayerPaths.normalizeEntry("a/../../etc/passwd")).isEmpty();
    assertThat(LayerPaths.normalizeEntry("/../x")).isEmpty();
  }

  @Test
  void symlinkTargetsResolveRelativeToTheLinkAndStayInsideTheRoot() {
    assertThat(LayerPaths.resolveLinkTarget("/etc/os-release", "../usr/lib/os-release"))
        .isEqualTo("/usr/lib/os-release");
    assertThat(LayerPaths.resolveLinkTarget("/etc/x", "/../../../../etc/shadow")).isEqualTo("/etc/shadow");
    assertThat(LayerPaths.resolveLinkTarget("/a/b", "../../../../root")).isEqualTo("/root");
  }

  @Test
  void knowsWhatLiesUnderADirectory() {
    assertThat(LayerPaths.isAtOrUnder("/tmp/build/x.jar", "/tmp/build")).isTrue();
    assertThat(LayerPaths.isAtOrUnder("/tmp/build", "/tmp/build")).isTrue();
    assertThat(LayerPaths.isAtOrUnder("/tmp/builder/x", "/tmp/build")).isFalse();
    assertThat(LayerPaths.isAtOrUnder("/anything", "/")).isTrue();
  }
}
