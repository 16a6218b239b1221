package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code portcullis mirrors …}: pull and push mirrors and their runs, through the REST API. */
public final class MirrorCommands {
  private MirrorCommands() {}

  @Command(name = "mirrors", mixinStandardHelpOptions = true,
      description = "Mirrors: upstream repositories (or namespaces) copied into local ones, local repositories "
          + "copied to other registries (see docs/mirroring.md).",
      subcommands = {MirrorsList.class, MirrorsCreate.class, MirrorsGet.class, MirrorsUpdate.class,
          MirrorsDelete.class, MirrorsRun.class, MirrorsRuns.class})
  public static final class Mirrors extends IdentityCommands.Group {}

  static String mirrorLine(JsonNode m) {
    boolean push = m.path("direction").asText().equals("push");
    boolean namespace = m.has("namespace");
    return String.format("%4d %-28s %s %s/%s%s every %s%s%s", m.path("id").asLong(),
        m.path("target").asText() + (namespace ? "/*" : ""), push ? "->" : "<-",
        m.path("upstream").path("url").asText(), m.path("upstream").path("repository").asText(),
        namespace ? "/" + (m.hasNonNull("repositories") ? m.path("repositories").asText() : "*") : "",
        m.path("interval").asText(), m.path("enabled").asBoolean() ? "" : "  [disabled]",
        m.path("authenticated").asBoolean() ? "  [credentials]" : "");
  }

  static String runLine(JsonNode r) {
    JsonNode t = r.path("tags");
    return String.format("run %d %-9s tags %d/%d: %d added, %d updated, %d unchanged, %d failed;%s%s %d bytes, "
            + "%d requests, %d ms%s%s", r.path("id").asLong(), r.path("state").asText(), t.path("added").asInt()
            + t.path("updated").asInt() + t.path("unchanged").asInt() + t.path("failed").asInt(),
        t.path("selected").asInt(), t.path("added").asInt(), t.path("updated").asInt(), t.path("unchanged").asInt(),
        t.path("failed").asInt(),
        r.path("repositories").asInt(1) == 1 ? "" : " " + r.path("repositories").asInt() + " repositories,",
        r.path("blobsMounted").asInt() == 0 ? "" : " " + r.path("blobsMounted").asInt() + " blobs mounted,",
        r.path("bytes").asLong(), r.path("requests").asLong(), r.path("durationMs").asLong(),
        r.hasNonNull("waitingUntil") ? " until " + r.path("waitingUntil").asText() : "",
        r.hasNonNull("message") ? " — " + r.path("message").asText() : "");
  }

  /** The settings options of create and update; those not given are left out of the body. */
  abstract static class Settings extends IdentityCommands.Base {
    @Option(names = "--registry", description = "Upstream registry: host (HTTPS) or URL; docker.io for Docker Hub.")
    String registry;

    @Option(names = "--repository", description = "Upstream repository (alpine means library/alpine on Docker Hub); "
        + "for a push mirror, the remote repository.")
    String repository;

    @Option(names = "--repositories", description = "Namespace mirrors: glob over the rest of the upstream names "
        + "(redis*); empty for all.")
    String repositories;

    @Option(names = "--interval", description = "ISO-8601 duration between runs (default PT15M).")
    String interval;

    @Option(names = "--enabled", negatable = true, description = "Run on the schedule (--no-enabled: only on demand).")
    Boolean enabled;

    @Option(names = "--include", description = "Tag glob to copy (repeatable).")
    List<String> include;

    @Option(names = "--exclude", description = "Tag glob never copied (repeatable).")
    List<String> exclude;

    @Option(names = "--regex", description = "Regular expression the whole tag must match.")
    String regex;

    @Option(names = "--semver", description = "Version range the tag must fall in, e.g. '>=3.18 <4'.")
    String semver;

    @Option(names = "--newest", description = "Keep the N highest versions (0: no limit).")
    Integer newest;

    @Option(names = "--platform", description = "Platform of indexes to copy, os/arch[/variant] (repeatable).")
    List<String> platforms;

    @Option(names = "--tag-template", description = "Local tag name, {tag} for the upstream tag.")
    String tagTemplate;

    @Option(names = "--username", description = "Upstream user.")
    String username;

    @Option(names = "--password", interactive = true, arity = "0..1",
        description = "Upstream password or token; asked for when given without a value.")
    String password;

    ObjectNode settings() {
      ObjectNode body = body();
      put(body, "registry", registry);
      put(body, "repository", repository);
      put(body, "repositories", repositories);
      put(body, "interval", interval);
      if (enabled != null) {
        body.put("enabled", enabled);
      }
      list(body, "include", include);
      list(body, "exclude", exclude);
      put(body, "regex", regex);
      put(body, "semver", semver);
      if (newest != null) {
        body.put("newest", newest);
      }
      list(body, "platforms", platforms);
      put(body, "tagTemplate", tagTemplate);
      put(body, "username", username);
      put(body, "password", password);
      return body;
    }

    private static void put(ObjectNode body, String field, String value) {
      if (value != null) {
        body.put(field, value);
      }
    }

    private static void list(ObjectNode body, String field, List<String> values) {
      if (values != null) {
        values.forEach(body.putArray(field)::add);
      }
    }

    @Override
    String text(JsonNode answer) {
      return mirrorLine(answer);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the mirrors whose target you manage.")
  static final class MirrorsList extends IdentityCommands.Base {
    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.getAll("/mirrors");
    }

    @Override
    String text(JsonNode answer) {
      return lines(answer, MirrorCommands::mirrorLine);
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create a pull mirror into TARGET (created private unless it exists), a namespace mirror into "
          + "the local namespace TARGET (--namespace), or a push mirror of TARGET to --registry/--repository "
          + "(--push); its first run starts at once.")
  static final class MirrorsCreate extends Settings {
    @Parameters(paramLabel = "TARGET", description = "Local repository (e.g. hub/alpine), a namespace mirror's local "
        + "namespace (hub), or the repository a push mirror copies from.")
    String target;

    @Option(names = "--push", description = "A push mirror: copy TARGET's tags to the remote registry, on every push "
        + "and on the schedule.")
    boolean push;

    @Option(names = "--namespace", description = "A namespace mirror of every repository under this upstream "
        + "namespace (e.g. bitnami), instead of --repository.")
    String namespace;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      ObjectNode body = settings();
      if (namespace != null) {
        body.put("namespace", namespace);
      }
      if (push) {
        return client.call("POST", "/mirrors", body.put("direction", "push").put("source", target));
      }
      return client.call("POST", "/mirrors", body.put("target", target));
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a mirror.")
  static final class MirrorsGet extends IdentityCommands.Base {
    @Parameters(paramLabel = "ID")
    long id;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.get("/mirrors/" + id);
    }

    @Override
    String text(JsonNode answer) {
      return mirrorLine(answer);
    }
  }

  @Command(name = "update", mixinStandardHelpOptions = true,
      description = "Change a mirror's settings; those not given stay. --anonymous drops the credentials.")
  static final class MirrorsUpdate extends Settings {
    @Parameters(paramLabel = "ID")
    long id;

    @Option(names = "--anonymous", description = "Remove the upstream credentials.")
    boolean anonymous;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      ObjectNode body = settings();
      if (anonymous) {
        body.putNull("username").putNull("password");
      }
      return client.call("PATCH", "/mirrors/" + id, body);
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Delete a mirror and its history; what it copied stays.")
  static final class MirrorsDelete extends IdentityCommands.Base {
    @Parameters(paramLabel = "ID")
    long id;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("DELETE", "/mirrors/" + id, null);
    }

    @Override
    String text(JsonNode answer) {
      return "deleted mirror " + id;
    }
  }

  @Command(name = "runs", mixinStandardHelpOptions = true, description = "A mirror's runs, newest first.")
  static final class MirrorsRuns extends IdentityCommands.Base {
    @Parameters(paramLabel = "ID")
    long id;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.get("/mirrors/" + id + "/runs").path("items");
    }

    @Override
    String text(JsonNode answer) {
      return lines(answer, MirrorCommands::runLine);
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Mirror now (or join the run under way); with --follow, print its progress until it ends.")
  static final class MirrorsRun implements Callable<Integer> {
    @Mixin
    AdminCommands.Connection connection;

    @Parameters(paramLabel = "ID")
    long id;

    @Option(names = "--follow", description = "Print the run's progress as it changes; exit 1 if it fails.")
    boolean follow;

    @Override
    public Integer call() throws Exception {
      return AdminCommands.run(() -> {
        ApiClient client = connection.client();
        JsonNode queued = client.call("POST", "/mirrors/" + id + "/runs", null);
        long job = queued.path("job").asLong();
        if (!follow) {
          if (connection.json()) {
            AdminCommands.print(System.out, queued);
          } else {
            System.out.println("mirror " + id + ": run queued as job " + job);
          }
          return 0;
        }
        return follow(client, id, job, connection.json(), System.out);
      });
    }
  }

  /**
   * Polls the run of {@code job} until it ends, printing each change. The runs list, not the jobs API
   * (administrators only), so that every manager of the mirror can follow it; a failed attempt that
   * its job will retry shows as a new run in {@code mirrors runs}.
   */
  static int follow(ApiClient client, long mirror, long job, boolean json, PrintStream out) throws Exception {
    return AdminCommands.followUntilEnd(() -> {
      for (JsonNode r : client.get("/mirrors/" + mirror + "/runs").path("items")) {
        if (r.path("job").asLong() == job) {
          return r;
        }
      }
      return null;
    }, MirrorCommands::runLine, json, out);
  }
}
