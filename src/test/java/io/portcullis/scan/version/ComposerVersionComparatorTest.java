package io.portcullis.scan.version;

import org.junit.jupiter.api.Test;

/** Orderings of PHP's version_compare as documented in the PHP manual. */
class ComposerVersionComparatorTest {

  private final VersionComparator composer = ComposerVersionComparator.INSTANCE;

  @Test
  void specialFormsAndNumbers() {
    OrderingTable.assertAscending(composer, "1.0.0-dev", "1.0.0-alpha", "1.0.0-alpha2", "1.0.0-beta",
        "1.0.0-RC1", "1.0.0-RC2", "1.0.0", "1.0.0-p1", "1.0.1", "1.0.10");
    OrderingTable.assertRows(composer,
        "v1.2.3 = 1.2.3",
        "1.0rc1 = 1.0-RC1",
        "1.0a1 = 1.0-alpha1",
        "5.4.1 < 5.4.10",
        "1.0 < 1.0.0",
        "1.0-beta < 1.0",
        "1.0.0-beta > 1.0");
  }
}
