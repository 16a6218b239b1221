package io.portcullis.scan.version;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Pairs from rpm's rpmvercmp test suite semantics (checked against rpm 4.18's rpm.vercmp). */
class RpmVersionComparatorTest {

  private final VersionComparator rpm = RpmVersionComparator.INSTANCE;

  @Test
  void rpmvercmpSegments() {
    OrderingTable.assertRows(rpm,
        "1.0 = 1.0",
        "1.0 < 2.0",
        "2.0.1 > 2.0",
        "2.0.1a > 2.0.1",
        "5.5p1 < 5.5p2",
        "5.5p10 > 5.5p1",
        "10xyz < 10.1xyz",
        "xyz10 < xyz10.1",
        "xyz.4 = xyz.4",
        "xyz.4 < 8",
        "8 > xyz.4",
        "xyz.4 < 2",
        "5.5p2 < 5.6",
        "1.0aa > 1.0a",
        "6.0.rc1 > 6.0",
        "10b2 > 10a1",
        "1_0 = 1.0",
        "1..0 = 1.0",
        "a+ = a_",
        "1.002 = 1.2",
        "1.0 < 1.0.0",
        "1.a < 1.1",
        "3.0.7 < 3.0.10");
  }

  @Test
  void tildeAndCaret() {
    OrderingTable.assertRows(rpm,
        "1.0~rc1 < 1.0",
        "1.0~rc1 < 1.0~rc2",
        "1.0~rc1~git123 < 1.0~rc1",
        "1.0~ < 1.0",
        "1.0^ > 1.0",
        "1.0^git1 > 1.0",
        "1.0^git1 < 1.01",
        "1.0^20160101 < 1.0.1",
        "1.0^20160101^git1 > 1.0^20160101",
        "1.0~rc1^git1 > 1.0~rc1",
        "1.0^git1~pre < 1.0^git1",
        "4.18.0 > 4.18.0~rc1");
  }

  @Test
  void epochAndRelease() {
    OrderingTable.assertRows(rpm,
        "1:1.0-1 > 2.0-1",
        "0:1.0-1 = 1.0-1",
        "1.0-2 > 1.0-1",
        "1.0-1.el9 < 1.0-1.el9_2",
        "1.0-1.el9 = 1.0",
        "2.9.10-5.el9 < 2.9.13-1.el9",
        "1.1.1k-7.el8_6 < 1.1.1k-9.el8_7");
  }

  @Test
  void rejectsMalformed() {
    assertThatThrownBy(() -> rpm.parse("x:1.0")).isInstanceOf(InvalidVersionException.class);
    assertThatThrownBy(() -> rpm.parse("1.0-")).isInstanceOf(InvalidVersionException.class);
    assertThatThrownBy(() -> rpm.parse("1.0 2")).isInstanceOf(InvalidVersionException.class);
  }
}
