package io.portcullis.web.v2;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteRangeTest {
  @Test
  void resolvesSingleRanges() {
    assertThat(ByteRange.parse("bytes=0-9", 100)).containsExactly(0, 9);
    assertThat(ByteRange.parse("bytes=90-", 100)).containsExactly(90, 99);
    assertThat(ByteRange.parse("bytes=-10", 100)).containsExactly(90, 99);
    assertThat(ByteRange.parse("bytes=50-500", 100)).containsExactly(50, 99);
  }

  @Test
  void unsatisfiableOrMalformedRangesAreNull() {
    assertThat(ByteRange.parse("bytes=100-", 100)).isNull();
    assertThat(ByteRange.parse("bytes=9-3", 100)).isNull();
    assertThat(ByteRange.parse("bytes=0-1,5-6", 100)).isNull();
    assertThat(ByteRange.parse("items=0-1", 100)).isNull();
    assertThat(ByteRange.parse("bytes=a-b", 100)).isNull();
    assertThat(ByteRange.parse("bytes=-0", 100)).isNull();
  }
}
