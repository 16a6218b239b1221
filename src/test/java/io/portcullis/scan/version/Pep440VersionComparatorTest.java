package io.portcullis.scan.version;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Orderings from PEP 440's examples and the ordering list of pypa/packaging's version tests. */
class Pep440VersionComparatorTest {

  private final VersionComparator pep440 = Pep440VersionComparator.INSTANCE;

  @Test
  void documentedOrdering() {
    OrderingTable.assertAscending(pep440, "1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12",
        "1.0b1.dev456", "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345", "1.0b2-346", "1.0c1.dev456", "1.0c1",
        "1.0rc2", "1.0c3", "1.0", "1.0.post456.dev34", "1.0.post456", "1.1.dev1", "1.1", "1!0.1");
  }

  @Test
  void normalisedSpellingsAreEqual() {
    OrderingTable.assertRows(pep440,
        "1.0 = 1.0.0",
        "1.0 = v1.0",
        "1.0 = 1.0.0.0",
        "1.0a1 = 1.0alpha1",
        "1.0a1 = 1.0-a-1",
        "1.0a1 = 1.0.A.1",
        "1.0rc1 = 1.0c1",
        "1.0rc1 = 1.0pre1",
        "1.0rc1 = 1.0preview1",
        "1.0b = 1.0b0",
        "1.0-1 = 1.0.post1",
        "1.0post1 = 1.0-r1",
        "1.0.rev1 = 1.0.post1",
        "1.0.dev = 1.0.dev0",
        "0!1.0 = 1.0",
        "1.01 = 1.1");
  }

  @Test
  void localVersions() {
    OrderingTable.assertAscending(pep440, "1.0", "1.0+abc", "1.0+abc.5", "1.0+abc.7", "1.0+5", "1.0+6", "1.0.post1");
    OrderingTable.assertRows(pep440, "1.0+ubuntu-1 = 1.0+ubuntu.1");
  }

  @Test
  void realRanges() {
    OrderingTable.assertRows(pep440,
        "2.0.7 < 2.0.10",
        "1.26.4 < 1.26.5",
        "3.2.0b1 < 3.2.0",
        "22.3.1 > 22.3",
        "2023.7.22 > 2022.12.7");
  }

  @Test
  void rejectsNonPep440() {
    for (String bad : new String[] {"", "abc", "1.0-beta_x", "1.0+", "1.0+a..b", "1.0 2"}) {
      assertThatThrownBy(() -> pep440.parse(bad)).as(bad).isInstanceOf(InvalidVersionException.class);
    }
  }
}
