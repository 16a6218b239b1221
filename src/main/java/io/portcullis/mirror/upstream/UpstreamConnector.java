package io.portcullis.mirror.upstream;

import io.portcullis.shared.NetworkPolicy;
import java.net.http.HttpClient;
import java.time.Clock;

/** Opens clients to upstreams over one shared HTTP client (its connection pool, proxy and CAs). */
public final class UpstreamConnector {
  private final HttpClient http;
  private final UpstreamSettings settings;
  private final NetworkPolicy policy;
  private final Clock clock;

  /** @param policy the addresses requests may go to ({@code mirror.allowed-networks}), checked before each one */
  public UpstreamConnector(UpstreamSettings settings, NetworkPolicy policy, Clock clock) {
    this.http = Transport.httpClient(settings);
    this.settings = settings;
    this.policy = policy;
    this.clock = clock;
  }

  /**
   * A client of one upstream repository.
   *
   * @param credentials null for anonymous access
   * @param pause       waits out a spent rate-limit budget; null to fail with {@link UpstreamException.RateLimited}
   */
  public UpstreamClient connect(Upstream upstream, UpstreamClient.Credentials credentials, UpstreamClient.Pause pause) {
    return new UpstreamClient(http, settings, policy, upstream, credentials, clock, pause, false);
  }

  /** A client of one remote repository that a push mirror writes to (tokens with push scope). */
  public UpstreamClient connectForPush(Upstream upstream, UpstreamClient.Credentials credentials,
      UpstreamClient.Pause pause) {
    return new UpstreamClient(http, settings, policy, upstream, credentials, clock, pause, true);
  }
}
