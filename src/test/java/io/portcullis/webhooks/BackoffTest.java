package io.portcullis.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = Backoff.DEFAULT;

  @Test
  void doublesPerFailureWithHalfOfItRandom() {
    SplittableRandom random = new SplittableRandom(7);
    for (int attempt = 1; attempt <= 12; attempt++) {
      long full = 1000L << (attempt - 1);
      for (int i = 0; i < 200; i++) {
        long delay = backoff.after(attempt, null, random).toMillis();
        assertThat(delay).as("attempt %d", attempt).isBetween(full / 2, full);
      }
    }
  }

  @Test
  void jitterSpreadsDeliveriesThatFailedTogether() {
    SplittableRandom random = new SplittableRandom(11);
    java.util.Set<Long> delays = new java.util.HashSet<>();
    for (int i = 0; i < 100; i++) {
      delays.add(backoff.after(5, null, random).toMillis());
    }
    assertThat(delays).hasSizeGreaterThan(50);
  }

  @Test
  void neverExceedsTheMaximumHoweverManyFailures() {
    SplittableRandom random = new SplittableRandom(3);
    for (int attempt : new int[] {13, 20, 63, 64, 1000, Integer.MAX_VALUE}) {
      assertThat(backoff.after(attempt, null, random)).isBetween(Duration.ofMinutes(30), Duration.ofHours(1));
    }
  }

  @Test
  void retryAfterLengthensButIsCapped() {
    SplittableRandom random = new SplittableRandom(5);
    assertThat(backoff.after(1, Duration.ofSeconds(30), random)).isEqualTo(Duration.ofSeconds(30));
    assertThat(backoff.after(1, Duration.ofMillis(1), random)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
    assertThat(backoff.after(1, Duration.ofDays(2), random)).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> backoff.after(0, null, new SplittableRandom())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
