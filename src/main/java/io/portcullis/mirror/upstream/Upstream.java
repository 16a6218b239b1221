package io.portcullis.mirror.upstream;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * Where a mirror copies from: a registry's base URL and a repository on it, as the Distribution API
 * names them. Docker Hub goes by several names ({@code docker.io}, {@code index.docker.io}) but
 * serves the API only at {@code registry-1.docker.io}, and its official images live under
 * {@code library/}; both are applied here so that {@code docker.io} + {@code alpine} just works.
 *
 * @param registry  base URL of the API ({@code https://registry-1.docker.io}); no path, no trailing slash
 * @param repository repository path on it ({@code library/alpine})
 */
public record Upstream(URI registry, String repository) {
  /** The host Docker Hub serves the Distribution API at. */
  public static final String DOCKER_HUB_API = "registry-1.docker.io";
  private static final Set<String> DOCKER_HUB_NAMES = Set.of("docker.io", "index.docker.io", "registry.hub.docker.com",
      DOCKER_HUB_API);
  private static final java.util.regex.Pattern REPOSITORY = java.util.regex.Pattern.compile(
      "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");

  /**
   * Normalises what a user types: a host ({@code docker.io}, {@code ghcr.io}, {@code 127.0.0.1:5000})
   * means HTTPS; an explicit {@code http://} or {@code https://} URL is kept.
   *
   * @throws IllegalArgumentException naming what is wrong with the registry or repository
   */
  public static Upstream of(String registry, String repository) {
    if (registry == null || registry.isBlank()) {
      throw new IllegalArgumentException("the upstream registry is required (e.g. docker.io)");
    }
    String text = registry.strip();
    if (!text.contains("://")) {
      text = "https://" + text;
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("upstream registry " + registry + " is not a URL or host: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new IllegalArgumentException("upstream registry " + registry + ": only http and https are supported");
    }
    if (uri.getHost() == null || uri.getUserInfo() != null || uri.getQuery() != null || uri.getFragment() != null
        || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
      throw new IllegalArgumentException("upstream registry " + registry
          + " must be a host with an optional port (credentials go in the mirror's credentials)");
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    boolean hub = DOCKER_HUB_NAMES.contains(host) && uri.getPort() < 0;
    if (hub) {
      host = DOCKER_HUB_API;
    }
    String repo = repository == null ? "" : repository.strip();
    if (hub && !repo.contains("/")) {
      repo = "library/" + repo;
    }
    if (!REPOSITORY.matcher(repo).matches()) {
      throw new IllegalArgumentException("upstream repository '" + repository
          + "' is not a repository name (lower-case path components such as library/alpine)");
    }
    URI base = URI.create(scheme + "://" + host + (uri.getPort() < 0 ? "" : ":" + uri.getPort()));
    return new Upstream(base, repo);
  }

  /** {@code /v2/<repository>/<rest>} on the registry. */
  URI api(String rest) {
    return registry.resolve("/v2/" + repository + "/" + rest);
  }

  @Override
  public String toString() {
    return registry.getAuthority() + "/" + repository;
  }
}
