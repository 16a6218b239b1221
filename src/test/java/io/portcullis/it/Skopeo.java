package io.portcullis.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * skopeo against the test registry over plain HTTP, as a given user ({@code user:password}) or
 * anonymously (null credentials: {@code --no-creds}, so no stored login can leak in).
 */
final class Skopeo {
  private Skopeo() {}

  static String adminCreds() {
    return TestRegistry.ADMIN + ":" + TestRegistry.ADMIN_PASSWORD;
  }

  /** Pushes the OCI layout's only image to {@code destination} ({@code docker://host/repo:tag}). */
  static Processes.Result copyIn(Path layout, String creds, String destination) throws Exception {
    return run(List.of("copy", "--dest-tls-verify=false"), "--dest", creds,
        "oci:" + layout + ":" + RealClientsContract.refName(layout), destination);
  }

  /** {@link #copyIn} that must succeed. */
  static void copy(Path layout, String creds, String destination) throws Exception {
    copyIn(layout, creds, destination).requireSuccess();
  }

  /** Pulls {@code source} ({@code docker://host/repo:tag}) into a new OCI layout at {@code out}. */
  static Processes.Result copyOut(String creds, String source, Path out) throws Exception {
    return run(List.of("copy", "--src-tls-verify=false"), "--src", creds, source, "oci:" + out + ":pulled");
  }

  static Processes.Result inspect(String creds, String reference) throws Exception {
    return run(List.of("inspect", "--tls-verify=false"), "", creds, reference);
  }

  static Processes.Result delete(String creds, String reference) throws Exception {
    return run(List.of("delete", "--tls-verify=false"), "", creds, reference);
  }

  static Processes.Result listTags(String creds, String repository) throws Exception {
    return run(List.of("list-tags", "--tls-verify=false"), "", creds, repository);
  }

  /** @param credsFlagPrefix {@code --src}, {@code --dest} or empty, for {@code --creds} and {@code --no-creds} */
  private static Processes.Result run(List<String> subcommand, String credsFlagPrefix, String creds, String... args)
      throws Exception {
    List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
    command.addAll(subcommand);
    if (creds == null) {
      command.add(credsFlagPrefix + (credsFlagPrefix.isEmpty() ? "--no-creds" : "-no-creds"));
    } else {
      command.add(credsFlagPrefix + (credsFlagPrefix.isEmpty() ? "--creds" : "-creds"));
      command.add(creds);
    }
    command.addAll(List.of(args));
    return Processes.run(command, null, 300);
  }
}
