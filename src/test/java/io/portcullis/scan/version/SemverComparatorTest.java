package io.portcullis.scan.version;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SemverComparatorTest {

  @Test
  void precedenceFromTheSemverSpecification() {
    OrderingTable.assertAscending(SemverComparator.NPM, "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
        "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1");
  }

  @Test
  void npmRules() {
    OrderingTable.assertRows(SemverComparator.NPM,
        "1.0.0+build.1 = 1.0.0",
        "1.0.0+a = 1.0.0+b",
        "v1.2.3 = 1.2.3",
        "=1.2.3 = 1.2.3",
        "1.2.3-0 < 1.2.3-1",
        "1.2.3-1 < 1.2.3-a",
        "1.2.3-a.1 < 1.2.3-a.b",
        "1.2.3-a.2 < 1.2.3-a.10",
        "1.2.3-A < 1.2.3-a",
        "1.10.0 > 1.9.0",
        "4.17.20 < 4.17.21",
        "10.0.0 > 9.99.99");
    for (String bad : new String[] {"1.2", "01.2.3", "1.2.3-01", "1.2.3.4", "a.b.c", "1.2.3-", "1.2.3+", "1.2.3-a..b"}) {
      assertThatThrownBy(() -> SemverComparator.NPM.parse(bad)).as(bad).isInstanceOf(InvalidVersionException.class);
    }
  }

  @Test
  void goModuleVersions() {
    OrderingTable.assertRows(SemverComparator.GO,
        "v0.0.0-20191109021931-daa7c04131f5 < v0.0.1",
        "v1.2.4-0.20191109021931-daa7c04131f5 > v1.2.3",
        "v1.2.4-0.20191109021931-daa7c04131f5 < v1.2.4",
        "v0.0.0-20200101000000-abcdef123456 < v0.0.0-20210101000000-abcdef123456",
        "v2.0.0+incompatible = v2.0.0",
        "v1.2.3-pre < v1.2.3",
        "1.2.3 = v1.2.3",
        "v1.10.0 > v1.9.9");
  }

  @Test
  void nugetVersions() {
    OrderingTable.assertRows(SemverComparator.NUGET,
        "1.0 = 1.0.0",
        "1.0 = 1.0.0.0",
        "1.0.0.1 > 1.0.0",
        "1.01 = 1.1",
        "1.0.0-Beta = 1.0.0-beta",
        "1.0.0-alpha < 1.0.0-beta",
        "1.0.0-beta < 1.0.0",
        "4.5.0-rc.2 < 4.5.0-rc.10",
        "13.0.1 > 12.0.3");
    assertThatThrownBy(() -> SemverComparator.NUGET.parse("1.2.3.4.5")).isInstanceOf(InvalidVersionException.class);
  }

  @Test
  void osvSemverRangesAndCrates() {
    OrderingTable.assertRows(SemverComparator.SEMVER,
        "0.8.10 < 0.8.11",
        "1.0.0-alpha.1 < 1.0.0",
        "v1.0.0 = 1.0.0");
  }
}
