package io.portcullis.scan.version;

import org.junit.jupiter.api.Test;

/** Orderings documented for Maven's ComparableVersion (POM reference, "Version Order Specification"). */
class MavenVersionComparatorTest {

  private final VersionComparator maven = MavenVersionComparator.INSTANCE;

  @Test
  void qualifierOrder() {
    OrderingTable.assertAscending(maven, "1.0-alpha1", "1.0-alpha2", "1.0-beta1", "1.0-milestone1", "1.0-rc1",
        "1.0-rc2", "1.0-SNAPSHOT", "1.0", "1.0-sp1", "1.0-abc", "1.0-def", "1.0-1", "1.0.1");
    OrderingTable.assertAscending(maven, "1-alpha-1", "1-beta-2", "1-m2", "1-m11", "1-rc", "1-cr2", "1-rc123",
        "1-SNAPSHOT", "1", "1-sp", "1-sp2", "1-sp123", "1-abc", "1-def", "1-1-snapshot", "1-1", "1-2", "1-123");
  }

  @Test
  void equivalentSpellings() {
    OrderingTable.assertRows(maven,
        "1 = 1.0",
        "1 = 1.0.0",
        "1.0 = 1-0",
        "1.0 = 1.0-ga",
        "1.0 = 1.0.final",
        "1.0.0.Final = 1",
        "5.2.20.RELEASE = 5.2.20",
        "1.0-cr1 = 1.0-rc1",
        "1.0a1 = 1.0-alpha-1",
        "1.0b2 = 1.0-beta-2",
        "1.0m3 = 1.0-milestone-3",
        "1.0-ALPHA1 = 1.0-alpha1",
        "1.0-Beta-1 = 1.0-beta-1");
  }

  @Test
  void numbersAndSeparators() {
    OrderingTable.assertRows(maven,
        "1.9 < 1.10",
        "1.0.9 < 1.0.10",
        "1-1 > 1",
        "1-1 < 1.1",
        "2.9.8 < 2.9.8.1",
        "2.9.8 < 2.9.10",
        "2.9.8 < 2.12.6.1",
        "2.4.0-rc1 < 2.9.8",
        "2.4.0-rc1 < 2.4.0",
        "2.12.7.1 > 2.12.7",
        "5.3.17 > 5.2.20.RELEASE",
        "5.3.17 < 5.3.18",
        "2.14.1 < 2.15.0",
        "2.15.0-rc1 < 2.15.0",
        "2.13.0 < 2.14.1",
        "1.9 < 1.10.0",
        "1.0-b > 1.0",
        "1.0.Beta1 < 1.0",
        "123456789012345678901 > 12345678901234567890");
  }
}
