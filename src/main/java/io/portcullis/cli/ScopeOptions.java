package io.portcullis.cli;

import picocli.CommandLine.Option;

/** Which scope a command is about: the registry's (neither option), a namespace's or a repository's. */
final class ScopeOptions {
  @Option(names = "--namespace", description = "A namespace (user or organization).")
  String namespace;

  @Option(names = "--repository", description = "A repository.")
  String repository;

  /** The API path of the scope's {@code resource} ({@code webhooks}, {@code pull-gate}, …). */
  static String path(ScopeOptions scope, String resource) {
    if (scope == null) {
      return "/" + resource;
    }
    return (scope.namespace != null ? "/namespaces/" + scope.namespace : "/repositories/" + scope.repository) + "/"
        + resource;
  }
}
