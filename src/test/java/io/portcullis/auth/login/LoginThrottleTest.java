package io.portcullis.auth.login;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.auth.TestClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
  private static final LoginThrottle.Settings STRICT =
      new LoginThrottle.Settings(10, Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofMinutes(10), 1000);
  private static final LoginThrottle.Settings LENIENT =
      new LoginThrottle.Settings(1000, Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofMinutes(10), 1000);

  private final TestClock clock = new TestClock(Instant.parse("2025-03-01T12:00:00Z"));
  private final InetAddress home = address("192.0.2.10");
  private final InetAddress office = address("198.51.100.7");

  @Test
  void locksAUsernameFromOneAddressOnTheTenthFailureWithinTheWindow() {
    LoginThrottle throttle = new LoginThrottle(STRICT, LENIENT, clock);
    for (int i = 0; i < 9; i++) {
      assertThat(throttle.recordFailure("alice", home)).isEmpty();
    }
    assertThat(throttle.retryAfter("alice", home)).isEmpty();

    assertThat(throttle.recordFailure("alice", home)).contains(Duration.ofSeconds(60));
    assertThat(throttle.retryAfter("ALICE", home)).contains(Duration.ofSeconds(60));
    assertThat(throttle.retryAfter("bob", home)).isEmpty();
  }

  @Test
  void failuresFromElsewhereNeverLockTheOwnerOut() {
    LoginThrottle throttle = new LoginThrottle(STRICT, LENIENT, clock);
    for (int i = 0; i < 100; i++) {
      throttle.recordFailure("alice", home);
    }

    assertThat(throttle.retryAfter("alice", home)).isPresent();
    assertThat(throttle.retryAfter("alice", office)).isEmpty();
  }

  @Test
  void reportsRemainingTimeRoundedUpAndUnlocksAfterIt() {
    LoginThrottle throttle = lockedAlice();

    clock.advance(Duration.ofMillis(59_500));
    assertThat(throttle.retryAfter("alice", home)).contains(Duration.ofSeconds(1));
    clock.advance(Duration.ofMillis(500));
    assertThat(throttle.retryAfter("alice", home)).isEmpty();
  }

  @Test
  void failuresOutsideTheSlidingWindowDoNotCount() {
    LoginThrottle throttle = new LoginThrottle(STRICT, LENIENT, clock);
    for (int i = 0; i < 9; i++) {
      throttle.recordFailure("alice", home);
      clock.advance(Duration.ofSeconds(40));
    }
    // The first failures are now more than five minutes old.
    assertThat(throttle.recordFailure("alice", home)).isEmpty();
  }

  @Test
  void doublesTheLockoutForEachFailureOnProbationUpToTheCap() {
    LoginThrottle throttle = lockedAlice();
    List<Duration> lockouts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      clock.advance(throttle.retryAfter("alice", home).orElseThrow());
      lockouts.add(throttle.recordFailure("alice", home).orElseThrow());
    }

    assertThat(lockouts).containsExactly(
        Duration.ofMinutes(2), Duration.ofMinutes(4), Duration.ofMinutes(8), Duration.ofMinutes(10), Duration.ofMinutes(10));
  }

  @Test
  void forgivesAfterAQuietWindowFollowingTheLockout() {
    LoginThrottle throttle = lockedAlice();
    clock.advance(Duration.ofMinutes(1).plus(Duration.ofMinutes(5)));

    assertThat(throttle.recordFailure("alice", home)).isEmpty();
  }

  @Test
  void successClearsTheUsernameAtThatAddressButNotTheAddress() {
    LoginThrottle throttle = new LoginThrottle(STRICT, STRICT, clock);
    for (int i = 0; i < 9; i++) {
      throttle.recordFailure("alice", home);
    }
    throttle.recordSuccess("alice", home);

    assertThat(throttle.recordFailure("alice", office)).isEmpty();
    assertThat(throttle.recordFailure("mallory", home)).contains(Duration.ofSeconds(60));
    assertThat(throttle.retryAfter("alice", home)).contains(Duration.ofSeconds(60));
    assertThat(throttle.retryAfter("alice", office)).isEmpty();
  }

  @Test
  void locksAnAddressThatSpraysManyUsernames() {
    LoginThrottle throttle = new LoginThrottle(LENIENT, STRICT, clock);
    for (int i = 0; i < 9; i++) {
      assertThat(throttle.recordFailure("user" + i, office)).isEmpty();
    }

    assertThat(throttle.recordFailure("user9", office)).contains(Duration.ofSeconds(60));
    assertThat(throttle.retryAfter("anyone", office)).contains(Duration.ofSeconds(60));
    assertThat(throttle.retryAfter("anyone", home)).isEmpty();
  }

  @Test
  void tracksIpv6ClientsPerSlash64() {
    LoginThrottle throttle = new LoginThrottle(LENIENT, STRICT, clock);
    for (int i = 0; i < 10; i++) {
      throttle.recordFailure("user" + i, address("2001:db8:1:2::" + Integer.toHexString(i + 1)));
    }

    assertThat(throttle.retryAfter("x", address("2001:db8:1:2:ffff::1"))).isPresent();
    assertThat(throttle.retryAfter("x", address("2001:db8:1:3::1"))).isEmpty();
  }

  @Test
  void countsConcurrentFailuresExactly() throws Exception {
    LoginThrottle.Settings exactlyAtLimit =
        new LoginThrottle.Settings(800, Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofMinutes(10), 1000);
    LoginThrottle throttle = new LoginThrottle(exactlyAtLimit, LENIENT, clock);
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        workers.add(pool.submit(() -> {
          for (int i = 0; i < 99; i++) {
            throttle.recordFailure("alice", home);
          }
        }));
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
    }
    assertThat(throttle.retryAfter("alice", home)).isEmpty();
    for (int i = 0; i < 7; i++) {
      throttle.recordFailure("alice", home);
    }
    assertThat(throttle.retryAfter("alice", home)).isEmpty();
    assertThat(throttle.recordFailure("alice", home)).contains(Duration.ofSeconds(60));
  }

  private LoginThrottle lockedAlice() {
    LoginThrottle throttle = new LoginThrottle(STRICT, LENIENT, clock);
    for (int i = 0; i < 10; i++) {
      throttle.recordFailure("alice", home);
    }
    assertThat(throttle.retryAfter("alice", home)).contains(Duration.ofSeconds(60));
    return throttle;
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }
}
