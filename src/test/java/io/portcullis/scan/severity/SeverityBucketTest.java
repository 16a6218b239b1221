package io.portcullis.scan.severity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeverityBucketTest {

  @Test
  void dtrThresholds() {
    assertThat(SeverityBucket.ofScore(10.0)).isEqualTo(SeverityBucket.CRITICAL);
    assertThat(SeverityBucket.ofScore(9.0)).isEqualTo(SeverityBucket.CRITICAL);
    assertThat(SeverityBucket.ofScore(8.9)).isEqualTo(SeverityBucket.MAJOR);
    assertThat(SeverityBucket.ofScore(7.0)).isEqualTo(SeverityBucket.MAJOR);
    assertThat(SeverityBucket.ofScore(6.9)).isEqualTo(SeverityBucket.MINOR);
    assertThat(SeverityBucket.ofScore(0.1)).isEqualTo(SeverityBucket.MINOR);
    assertThat(SeverityBucket.ofScore(0.0)).isEqualTo(SeverityBucket.MINOR);
  }
}
