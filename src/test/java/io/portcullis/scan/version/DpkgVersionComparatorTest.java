package io.portcullis.scan.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class DpkgVersionComparatorTest {

  private final VersionComparator dpkg = DpkgVersionComparator.INSTANCE;

  /** Pairs ordered by the real {@code dpkg --compare-versions} (see generate-dpkg-pairs.py). */
  @Test
  void agreesWithRealDpkgOnGeneratedPairs() throws IOException {
    List<String> failures = new ArrayList<>();
    int rows = 0;
    try (var in = Objects.requireNonNull(getClass().getResourceAsStream("/scan/version/dpkg-pairs.tsv"));
         var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        String[] f = line.split("\t");
        OrderingTable.check(dpkg, f[0], f[1], f[2], failures);
        rows++;
      }
    }
    assertThat(rows).isGreaterThan(400);
    assertThat(failures).isEmpty();
  }

  @Test
  void tildeSortsBeforeEverythingIncludingTheEnd() {
    OrderingTable.assertAscending(dpkg, "1.0~~", "1.0~~a", "1.0~", "1.0~rc1", "1.0", "1.0a", "1.0+dfsg", "1.0.1");
  }

  @Test
  void epochRevisionAndNumericRuns() {
    OrderingTable.assertRows(dpkg,
        "1:0.9 > 2.0",
        "0:1.0 = 1.0",
        "1.0 = 1.0-0",
        "1.0 < 1.0-1",
        "1.0-1 < 1.0-1+b1",
        "1.0-1~bpo1 < 1.0-1",
        "1.0-9 < 1.0-10",
        "1.00 = 1.0",
        "2.36-9+deb12u7 < 2.36-9+deb12u14",
        "252.39-1~deb12u2 < 252.39-1",
        "1.2.3-1-1 > 1.2.3-1",
        "12345678901234567890123 > 12345678901234567890122");
  }

  @Test
  void rejectsMalformedVersions() {
    assertThatThrownBy(() -> dpkg.parse("")).isInstanceOf(InvalidVersionException.class);
    assertThatThrownBy(() -> dpkg.parse("a:1.0")).isInstanceOf(InvalidVersionException.class)
        .hasMessageContaining("epoch");
    assertThatThrownBy(() -> dpkg.parse("1:")).isInstanceOf(InvalidVersionException.class);
    assertThatThrownBy(() -> dpkg.parse("1.0-")).isInstanceOf(InvalidVersionException.class)
        .hasMessageContaining("revision");
    assertThatThrownBy(() -> dpkg.parse("1.0 beta")).isInstanceOf(InvalidVersionException.class);
    assertThatThrownBy(() -> dpkg.parse("1".repeat(300))).isInstanceOf(InvalidVersionException.class);
  }
}
