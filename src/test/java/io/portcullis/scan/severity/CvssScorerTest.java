package io.portcullis.scan.severity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real-world vectors (the fixture GHSAs, NVD entries, FIRST's v4.0 examples). Every v4.0 score here was
 * also checked against two independent implementations (metaeffekt's and pandatix's calculators).
 */
class CvssScorerTest {

  @ParameterizedTest
  @CsvSource({
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H, 3.1, 9.8, CRITICAL",
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H, 3.1, 10.0, CRITICAL",
      "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H, 3.1, 9.0, CRITICAL",
      "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H, 3.1, 8.1, MAJOR",
      "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H, 3.1, 7.8, MAJOR",
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H, 3.1, 7.5, MAJOR",
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:H, 3.1, 8.6, MAJOR",
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N, 3.1, 5.3, MINOR",
      "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:N/I:L/A:N, 3.1, 4.3, MINOR",
      "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H, 3.0, 9.8, CRITICAL",
      "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H, 3.0, 10.0, CRITICAL",
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N, 4.0, 9.3, CRITICAL",
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H, 4.0, 10.0, CRITICAL",
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N, 4.0, 8.7, MAJOR",
      "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N, 4.0, 8.5, MAJOR",
      "CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H, 4.0, 9.3, CRITICAL",
      "CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N, 4.0, 7.0, MAJOR",
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N, 4.0, 6.9, MINOR",
      "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:L/SI:L/SA:L, 4.0, 5.3, MINOR",
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:A/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N, 4.0, 4.8, MINOR",
      "CVSS:4.0/AV:N/AC:H/AT:P/PR:L/UI:P/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N, 4.0, 2.1, MINOR",
      "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U, 4.0, 8.1, MAJOR",
      "AV:N/AC:L/Au:N/C:P/I:P/A:P, 2.0, 7.5, MAJOR"
  })
  void scoresPublishedVectors(String vector, String version, double score, SeverityBucket bucket) {
    CvssScore result = CvssScorer.score(vector);

    assertThat(result.version()).isEqualTo(version);
    assertThat(result.score()).isEqualTo(score);
    assertThat(result.bucket()).isEqualTo(bucket);
  }

  @ParameterizedTest
  @ValueSource(strings = {"garbage", "CVSS:3.1/AV:N", "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", " "})
  void rejectsWhatIsNotACompleteVector(String vector) {
    assertThatThrownBy(() -> CvssScorer.score(vector)).isInstanceOf(InvalidCvssVectorException.class);
  }
}
