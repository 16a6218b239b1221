package io.portcullis.mirror.cache;

import io.portcullis.mirror.upstream.UpstreamClient;
import java.time.Duration;
import java.util.List;

/**
 * The settings a create or update names; null fields stay as they are. A list of upstreams replaces
 * the whole list, credentials included (they are never read back, so they are given again).
 */
public record CacheChange(Duration freshness, List<Spec> upstreams) {
  /** An upstream as given: {@code credentials} null for anonymous access. */
  public record Spec(String registry, String prefix, UpstreamClient.Credentials credentials) {}
}
