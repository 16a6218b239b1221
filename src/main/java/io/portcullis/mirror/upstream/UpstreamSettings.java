package io.portcullis.mirror.upstream;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the client reaches upstreams; one set for the whole server.
 *
 * @param proxy          HTTP proxy ({@code http://host:port}) for every upstream request; null for direct
 * @param caFile         PEM file of extra CA certificates trusted besides the JDK's; null for none
 * @param connectTimeout longest wait for a connection
 * @param readTimeout    longest wait for a response's headers
 * @param maxAttempts    tries per request on 429, 5xx and broken connections before the failure stands
 * @param backoff        first retry delay; doubled per attempt (with jitter) up to {@code maxBackoff}
 * @param maxBackoff     longest retry delay, also the longest {@code Retry-After} waited inside a request:
 *                       a longer one is a spent budget that the caller decides how to wait out
 */
public record UpstreamSettings(URI proxy, Path caFile, Duration connectTimeout, Duration readTimeout,
    int maxAttempts, Duration backoff, Duration maxBackoff) {
  public UpstreamSettings {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    if (proxy != null && (proxy.getHost() == null || proxy.getPort() < 0)) {
      throw new IllegalArgumentException("the upstream proxy must be http://HOST:PORT, not " + proxy);
    }
  }

  public static UpstreamSettings defaults() {
    return new UpstreamSettings(null, null, Duration.ofSeconds(10), Duration.ofSeconds(60), 5, Duration.ofMillis(500),
        Duration.ofSeconds(30));
  }
}
