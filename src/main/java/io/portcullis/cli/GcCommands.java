package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code portcullis gc …}: garbage collection runs, through the REST API (system administrators). */
public final class GcCommands {
  private GcCommands() {}

  @Command(name = "gc", mixinStandardHelpOptions = true,
      description = "Garbage collection: free what nothing references any more (see docs/garbage-collection.md).",
      subcommands = {GcRunNow.class, GcRuns.class, GcShow.class})
  public static final class Gc extends IdentityCommands.Group {}

  static String line(JsonNode run) {
    StringBuilder line = new StringBuilder(String.format("run %d %s%s %s", run.path("id").asLong(),
        run.path("state").asText(), run.path("dryRun").asBoolean() ? " (dry run)" : "",
        run.path("phase").isNull() ? "" : "[" + run.path("phase").asText() + "]"));
    line.append(String.format(" %s %d bytes: %d manifests, %d links, %d blobs, %d orphaned files",
        run.path("dryRun").asBoolean() ? "would free" : "freed", run.path("freedBytes").asLong(),
        run.path("manifests").asLong(), run.path("links").asLong(), run.path("blobs").asLong(),
        run.path("orphanFiles").asLong()));
    if (!run.path("dryRun").asBoolean()) {
      line.append(", ").append(run.path("uploads").asLong()).append(" stale uploads");
    }
    if (run.has("durationMs")) {
      line.append(" in ").append(run.path("durationMs").asLong()).append(" ms");
    }
    if (run.path("state").asText().equals("failed")) {
      line.append(": ").append(run.path("message").asText(""));
    }
    return line.toString();
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Collect garbage now; with --dry-run only report what would be freed. One run at a time: "
          + "while one is queued or running this fails and names it.")
  static final class GcRunNow implements Callable<Integer> {
    @Mixin
    AdminCommands.Connection connection;

    @Option(names = "--dry-run", description = "Delete nothing; report what a run would free now.")
    boolean dryRun;

    @Option(names = "--delete-untagged", negatable = true,
        description = "Also delete untagged manifests no tagged one needs (default: the gc.delete-untagged setting).")
    Boolean deleteUntagged;

    @Option(names = "--follow", description = "Print the run's progress as it changes; exit 1 if it fails.")
    boolean follow;

    @Override
    public Integer call() throws Exception {
      return AdminCommands.run(() -> {
        ApiClient client = connection.client();
        ObjectNode body = IdentityCommands.Base.body().put("dryRun", dryRun);
        if (deleteUntagged != null) {
          body.put("deleteUntagged", deleteUntagged);
        }
        JsonNode run = client.call("POST", "/gc/runs", body);
        if (!follow) {
          if (connection.json()) {
            AdminCommands.print(System.out, run);
          } else {
            System.out.println(line(run));
          }
          return 0;
        }
        return follow(client, run.path("id").asLong(), connection.json(), System.out);
      });
    }
  }

  /** Polls the run until it ends, printing each change; 0 when it succeeded. */
  static int follow(ApiClient client, long id, boolean json, PrintStream out) throws Exception {
    return AdminCommands.followUntilEnd(() -> client.get("/gc/runs/" + id), GcCommands::line, json, out);
  }

  @Command(name = "runs", mixinStandardHelpOptions = true, description = "Garbage collection runs, newest first.")
  static final class GcRuns extends IdentityCommands.Base {
    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.get("/gc/runs").path("items");
    }

    @Override
    String text(JsonNode answer) {
      return lines(answer, GcCommands::line);
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "One run, with what it freed per namespace.")
  static final class GcShow extends IdentityCommands.Base {
    @Parameters(paramLabel = "ID")
    long id;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.get("/gc/runs/" + id);
    }

    @Override
    String text(JsonNode answer) {
      StringBuilder out = new StringBuilder(line(answer));
      answer.path("namespaces").properties().forEach(n -> out.append(String.format("%n  %-24s %d manifests, "
          + "%d links, %d bytes", n.getKey(), n.getValue().path("manifests").asLong(),
          n.getValue().path("links").asLong(), n.getValue().path("bytes").asLong())));
      return out.toString();
    }
  }
}
