package io.portcullis.scan.version;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ApkVersionComparatorTest {

  private final VersionComparator apk = ApkVersionComparator.INSTANCE;

  @Test
  void suffixesOrderAroundTheBareVersion() {
    OrderingTable.assertAscending(apk, "1.1_alpha", "1.1_alpha1", "1.1_alpha2", "1.1_beta", "1.1_beta3",
        "1.1_pre1", "1.1_rc", "1.1_rc1", "1.1_rc2", "1.1", "1.1_cvs", "1.1_svn", "1.1_git", "1.1_hg", "1.1_p",
        "1.1_p1", "1.1_p2", "1.1a", "1.1b", "1.1.1");
  }

  /**
   * apk-tools 2.x reads a component of zeros after a dot as a negative "leading zeros" token, and
   * what follows it as a further number token, so a pre-release suffix directly after such a component
   * does not sort below the bare version. Alpine's own tooling behaves so; matching must agree with it.
   */
  @Test
  void zeroComponentQuirkOfApkTools2() {
    OrderingTable.assertRows(apk,
        "1.0_alpha > 1.0",
        "0.1.0_alpha_pre2 < 0.1.0_alpha",
        "2.0.0_rc3-r1 > 1.5",
        "1.00_beta2 > 0.9.2",
        "1.0.0_pre20191002222144-r0 < 1.0.0_pre20210530193627-r0");
  }

  @Test
  void revisionsAndLetters() {
    OrderingTable.assertAscending(apk, "1.0", "1.0-r0", "1.0-r1", "1.0-r2", "1.0-r10", "1.0a-r0", "1.0.1-r0");
    OrderingTable.assertRows(apk,
        "1.35.0-r17 < 1.35.0-r18",
        "1.2.3-r3 < 1.2.3-r4",
        "1.1.1w-r1 = 1.1.1w-r1",
        "1.1.1w-r0 < 1.1.1w-r1",
        "1.1.1t-r2 < 1.1.1w-r1",
        "1.1.1k-r0 < 1.1.1l-r0",
        "1.2.12-r2 < 1.2.12-r3",
        "1.2.11-r4 < 1.2.12-r3",
        "2.12.6-r0 < 2.12.9-r3",
        "2.12.10-r0 > 2.12.9-r3",
        "1.0_rc1-r2 < 1.0-r0",
        "1.0_p1-r0 < 1.0_p1-r1",
        "20230506-r0 > 20220614-r1",
        "1.0z < 1.0.1");
  }

  @Test
  void leadingZerosAfterADotSortBelowTheUnpaddedNumber() {
    OrderingTable.assertRows(apk,
        "1.05 < 1.5",
        "1.00 < 1.0",
        "2.15.05 < 2.15.4",
        "1.005 < 1.05",
        "1.0.05 < 1.0.06",
        "05.1 = 5.1",
        "1.0-r00 = 1.0-r0");
  }

  @Test
  void rejectsWhatApkRejects() {
    for (String bad : new String[] {"", "1.0_foo", "1.0-1", "1.0-", "1.0 ", "1.0_alpha-x", "1.0-r1a"}) {
      assertThatThrownBy(() -> apk.parse(bad)).as(bad).isInstanceOf(InvalidVersionException.class);
    }
  }
}
