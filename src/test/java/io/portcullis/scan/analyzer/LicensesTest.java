package io.portcullis.scan.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LicensesTest {

  @Test
  void mapsCommonNamesToSpdxIdsAndKeepsUnknownOnes() {
    assertThat(Licenses.normalize("Apache License, Version 2.0")).isEqualTo("Apache-2.0");
    assertThat(Licenses.normalize(" The Apache Software License, Version 2.0 ")).isEqualTo("Apache-2.0");
    assertThat(Licenses.normalize("https://www.apache.org/licenses/LICENSE-2.0.txt")).isEqualTo("Apache-2.0");
    assertThat(Licenses.normalize("MIT License")).isEqualTo("MIT");
    assertThat(Licenses.normalize("GPLv2+")).isEqualTo("GPL-2.0-or-later");
    assertThat(Licenses.normalize("Some Custom License 1.1")).isEqualTo("Some Custom License 1.1");
    assertThat(Licenses.normalizeAll(Arrays.asList("MIT", "mit license", null, " ", "BSD-3-Clause")))
        .containsExactly("MIT", "BSD-3-Clause");
  }
}
