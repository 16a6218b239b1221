package io.portcullis.scan.version;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Orderings from the behaviour documented for Gem::Version (rubygems' test_gem_version). */
class RubyGemsVersionComparatorTest {

  private final VersionComparator gems = RubyGemsVersionComparator.INSTANCE;

  @Test
  void segmentsAndPrereleases() {
    OrderingTable.assertRows(gems,
        "1.0 = 1",
        "1.0 = 1.0.0",
        "1.0.a < 1.0",
        "1.0.a < 1.0.b",
        "1.0.a10 > 1.0.a9",
        "1.0.0.pre < 1.0",
        "1.0-1 < 1.0",
        "1.0-1 = 1.0.pre.1",
        "1.8.2.a < 1.8.2",
        "1.8.2.b > 1.8.2.a",
        "5.a < 5.0.0.rc2",
        "1.2.d.42 > 1.2.c.52",
        "1.9.3 < 1.9.3.1",
        "2.9.b < 2.9",
        "6.1.7.1 > 6.1.7",
        "7.0.4 < 7.0.10",
        "1.0.0.rc1 < 1.0.0.rc2",
        "0.beta.1 < 0.0.beta.2",
        "1.a.0 = 1.a");
  }

  @Test
  void rejectsMalformed() {
    for (String bad : new String[] {"junk", "1.0..1", "1.0.", "1.0-", "1 0"}) {
      assertThatThrownBy(() -> gems.parse(bad)).as(bad).isInstanceOf(InvalidVersionException.class);
    }
  }
}
