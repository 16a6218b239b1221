package io.portcullis.mirror.upstream;

import java.net.http.HttpClient;
import java.time.Clock;

/** Opens clients to upstreams over one shared HTTP client (its connection pool, proxy and CAs). */
public final class UpstreamConnector {
  private final HttpClient http;
  private final UpstreamSettings settings;
  private final Clock clock;

  public UpstreamConnector(UpstreamSettings settings, Clock clock) {
    this.http = Transport.httpClient(settings);
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * A client of one upstream repository.
   *
   * @param credentials null for anonymous access
   * @param pause       waits out a spent rate-limit budget; null to fail with {@link UpstreamException.RateLimited}
   */
  public UpstreamClient connect(Upstream upstream, UpstreamClient.Credentials credentials, UpstreamClient.Pause pause) {
    return new UpstreamClient(http, settings, upstream, credentials, clock, pause);
  }
}
