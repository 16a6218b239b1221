package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QuotaCommandsTest {
  @Test
  void sizesReadAsBytesWithDecimalAndBinaryUnits() {
    assertThat(QuotaCommands.bytes("1234")).isEqualTo(1234);
    assertThat(QuotaCommands.bytes("500MB")).isEqualTo(500_000_000L);
    assertThat(QuotaCommands.bytes("10GiB")).isEqualTo(10L << 30);
    assertThat(QuotaCommands.bytes("2 tib")).isEqualTo(2L << 40);
    assertThat(QuotaCommands.bytes("7B")).isEqualTo(7);
  }

  @Test
  void anythingElseIsRefusedSayingWhatASizeIs() {
    assertThatThrownBy(() -> QuotaCommands.bytes("ten gigs")).hasMessageContaining("is no size");
    assertThatThrownBy(() -> QuotaCommands.bytes("-5MB")).hasMessageContaining("is no size");
    assertThatThrownBy(() -> QuotaCommands.bytes("9999999PiB")).hasMessageContaining("too large");
  }
}
