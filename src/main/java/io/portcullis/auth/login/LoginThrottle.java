package io.portcullis.auth.login;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Slows down password guessing, separately per (username, client address) pair and per client address.
 *
 * <p>Each key may fail {@code maxFailures} times within a sliding {@code window}; the failure that
 * reaches the limit locks the key for {@code firstLockout} (limits are set separately for pairs
 * and addresses). While the key is on probation (from a
 * lockout until a whole window passes without failure after it ends) every further failure locks it
 * again for twice as long as before, up to {@code maxLockout}. The pair slows guessing one account
 * from one place; the address slows guessing many accounts from one place. No key is the username
 * alone: whoever could lock a name from anywhere could lock its owner out (a denial of service), and
 * guessing one account from many places is bounded by each place's own limit and the hash's cost.
 *
 * <p>Callers ask {@link #retryAfter} before checking a password and skip the check while locked;
 * report each outcome with {@link #recordFailure} or {@link #recordSuccess}. This class does not log;
 * the caller logs each failure once. Memory is bounded by {@code maxTrackedKeys}; keys are forgotten
 * once their probation ends. IPv6 clients are tracked per /64 network, since one host usually holds
 * a whole /64. Thread-safe.
 */
public final class LoginThrottle {
  /** Usernames are tracked by at most this many leading characters. */
  static final int MAX_USERNAME_KEY_LENGTH = 256;

  private final Clock clock;
  private final Tracker pairs;
  private final Tracker addresses;

  /**
   * Throttling limits for one kind of key.
   *
   * @param maxFailures    failures tolerated within {@code window}; the one reaching it locks, at least 1
   * @param window         the sliding window failures are counted in, and the quiet time after a
   *                       lockout that ends probation
   * @param firstLockout   length of the first lockout; each further one doubles it
   * @param maxLockout     longest lockout
   * @param maxTrackedKeys most keys tracked at once
   */
  public record Settings(int maxFailures, Duration window, Duration firstLockout, Duration maxLockout, long maxTrackedKeys) {
    /** Per username and address: 10 failures in 5 minutes, then 1 minute doubling up to 1 hour; 100,000 pairs. */
    public static final Settings PER_USER_AND_ADDRESS =
        new Settings(10, Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofHours(1), 100_000);
    /**
     * Per address: 50 failures in 5 minutes, since many people and CI runners may share one address
     * behind NAT; then 1 minute doubling up to 1 hour; 100,000 addresses.
     */
    public static final Settings PER_ADDRESS =
        new Settings(50, Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofHours(1), 100_000);

    /** @throws IllegalArgumentException if a value is out of range */
    public Settings {
      if (maxFailures < 1 || maxTrackedKeys < 1) {
        throw new IllegalArgumentException("maxFailures and maxTrackedKeys must be at least 1");
      }
      if (!window.isPositive() || !firstLockout.isPositive() || maxLockout.compareTo(firstLockout) < 0) {
        throw new IllegalArgumentException("window and firstLockout must be positive and maxLockout >= firstLockout");
      }
    }
  }

  /**
   * @param perUserAndAddress limits for each (username, client address) pair
   * @param perAddress        limits for each client address (IPv6: each /64)
   * @param clock             the time failures are counted against ({@link Clock#systemUTC()} in production)
   */
  public LoginThrottle(Settings perUserAndAddress, Settings perAddress, Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.pairs = new Tracker(perUserAndAddress, clock);
    this.addresses = new Tracker(perAddress, clock);
  }

  /** A throttle with {@link Settings#PER_USER_AND_ADDRESS} and {@link Settings#PER_ADDRESS} on the system clock. */
  public static LoginThrottle withDefaults() {
    return new LoginThrottle(Settings.PER_USER_AND_ADDRESS, Settings.PER_ADDRESS, Clock.systemUTC());
  }

  /**
   * How long the client must wait before another attempt for this username from this address, in
   * whole seconds rounded up; empty if it may try now.
   */
  public Optional<Duration> retryAfter(String username, InetAddress client) {
    Instant now = clock.instant();
    String address = addressKey(client);
    return longer(pairs.lockRemaining(pairKey(username, address), now), addresses.lockRemaining(address, now));
  }

  /**
   * Counts a failed attempt against the (username, address) pair and the address.
   *
   * @return how long the client must now wait, if this failure locked the pair or the address
   */
  public Optional<Duration> recordFailure(String username, InetAddress client) {
    Instant now = clock.instant();
    String address = addressKey(client);
    return longer(pairs.fail(pairKey(username, address), now), addresses.fail(address, now));
  }

  /**
   * Clears the pair's record after a successful login. The address keeps its record: otherwise an
   * attacker could log into an account of their own between guesses to reset it.
   */
  public void recordSuccess(String username, InetAddress client) {
    pairs.forget(pairKey(username, addressKey(client)));
  }

  private static Optional<Duration> longer(Optional<Duration> a, Optional<Duration> b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    return Optional.of(a.get().compareTo(b.get()) >= 0 ? a.get() : b.get());
  }

  /** The address comes first and has a fixed alphabet, so no username can make two pairs collide. */
  private static String pairKey(String username, String address) {
    String normalised = username.toLowerCase(Locale.ROOT);
    return address + " " + (normalised.length() > MAX_USERNAME_KEY_LENGTH
        ? normalised.substring(0, MAX_USERNAME_KEY_LENGTH) : normalised);
  }

  private static String addressKey(InetAddress client) {
    byte[] address = client.getAddress();
    if (client instanceof Inet6Address) {
      address = Arrays.copyOf(address, 8);
    }
    return HexFormat.of().formatHex(address);
  }

  /** The failure records of one kind of key, bounded and forgetting keys once probation ends. */
  private static final class Tracker {
    private final Settings settings;
    private final Clock clock;
    private final Cache<String, KeyState> states;

    Tracker(Settings settings, Clock clock) {
      this.settings = Objects.requireNonNull(settings, "settings");
      this.clock = clock;
      this.states = Caffeine.newBuilder()
          .maximumSize(settings.maxTrackedKeys())
          .ticker(() -> clock.millis() * 1_000_000L)
          .expireAfter(Expiry.<String, KeyState>writing((key, state) -> untilForgotten(state)))
          .build();
    }

    Optional<Duration> fail(String key, Instant now) {
      KeyState updated = states.asMap().compute(key, (k, old) -> {
        KeyState state = old == null || old.forgottenBy(now, settings.window()) ? KeyState.EMPTY : old;
        return state.afterFailure(now, settings);
      });
      return updated.lockRemaining(now);
    }

    Optional<Duration> lockRemaining(String key, Instant now) {
      KeyState state = states.getIfPresent(key);
      return state == null ? Optional.empty() : state.lockRemaining(now);
    }

    void forget(String key) {
      states.invalidate(key);
    }

    private Duration untilForgotten(KeyState state) {
      Duration remaining = Duration.between(clock.instant(), state.forgottenAt(settings.window()));
      return remaining.isNegative() ? Duration.ZERO : remaining;
    }
  }

  /**
   * What is known about one key. Immutable; replaced on every change.
   *
   * @param failures    times of failures in the current window, oldest first, fewer than maxFailures
   * @param lockouts    lockouts since the key was last forgotten (0 = not on probation)
   * @param lockedUntil end of the current or last lockout, or {@link Instant#MIN}
   * @param lastFailure time of the latest failure
   */
  private record KeyState(Instant[] failures, int lockouts, Instant lockedUntil, Instant lastFailure) {
    static final KeyState EMPTY = new KeyState(new Instant[0], 0, Instant.MIN, Instant.MIN);

    KeyState afterFailure(Instant now, Settings settings) {
      if (lockouts > 0) {
        return lockedAgain(now, settings);
      }
      Instant windowStart = now.minus(settings.window());
      Instant[] recent = Arrays.stream(failures).filter(t -> t.isAfter(windowStart)).toArray(Instant[]::new);
      if (recent.length + 1 >= settings.maxFailures()) {
        return lockedAgain(now, settings);
      }
      Instant[] withThis = Arrays.copyOf(recent, recent.length + 1);
      withThis[recent.length] = now;
      return new KeyState(withThis, 0, lockedUntil, now);
    }

    private KeyState lockedAgain(Instant now, Settings settings) {
      int count = lockouts + 1;
      // Doubling stops once past the cap, so the shift never overflows.
      Duration lockout = settings.firstLockout();
      for (int i = 1; i < count && lockout.compareTo(settings.maxLockout()) < 0; i++) {
        lockout = lockout.multipliedBy(2);
      }
      if (lockout.compareTo(settings.maxLockout()) > 0) {
        lockout = settings.maxLockout();
      }
      Instant until = now.plus(lockout);
      // A failure raced in while locked must not shorten the running lockout.
      return new KeyState(new Instant[0], count, until.isAfter(lockedUntil) ? until : lockedUntil, now);
    }

    Optional<Duration> lockRemaining(Instant now) {
      if (!lockedUntil.isAfter(now)) {
        return Optional.empty();
      }
      Duration remaining = Duration.between(now, lockedUntil);
      long wholeSeconds = remaining.toSeconds() + (remaining.toNanosPart() == 0 ? 0 : 1);
      return Optional.of(Duration.ofSeconds(wholeSeconds));
    }

    Instant forgottenAt(Duration window) {
      Instant quietSince = lockedUntil.isAfter(lastFailure) ? lockedUntil : lastFailure;
      return quietSince.plus(window);
    }

    boolean forgottenBy(Instant now, Duration window) {
      return !now.isBefore(forgottenAt(window));
    }
  }
}
