package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Administration commands that drive a running server through its REST API. */
public final class AdminCommands {
  private AdminCommands() {}

  /** Where the server is and who is asking; shared by every command. */
  public static final class Connection {
    @Option(names = "--url", defaultValue = "${env:PORTCULLIS_URL:-http://127.0.0.1:5000}",
        description = "Server base URL (env PORTCULLIS_URL; default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = {"-u", "--user"}, defaultValue = "${env:PORTCULLIS_USER:-admin}",
        description = "User name (env PORTCULLIS_USER; default ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--output", defaultValue = "text", description = "text or json.")
    String output;

    ApiClient client() {
      String password = System.getenv("PORTCULLIS_PASSWORD");
      if (password == null && System.console() != null) {
        char[] typed = System.console().readPassword("Password for %s: ", user);
        password = typed == null ? "" : new String(typed);
      }
      if (password == null) {
        throw new ApiClient.Failure("set PORTCULLIS_PASSWORD (no terminal to ask for the password)");
      }
      return new ApiClient(url, user, password);
    }

    boolean json() {
      return "json".equals(output);
    }
  }

  private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  static int run(Callable<Integer> body) throws Exception {
    try {
      return body.call();
    } catch (ApiClient.Failure e) {
      System.err.println("portcullis: " + e.getMessage());
      return 1;
    }
  }

  static void print(PrintStream out, JsonNode node) throws IOException {
    out.println(PRETTY.writeValueAsString(node));
  }

  /** Follows a job until it ends, printing its progress; returns 0 when it succeeded. */
  static int follow(ApiClient client, long id, boolean json, PrintStream out) throws Exception {
    return followUntilEnd(() -> client.get("/jobs/" + id), job -> "job " + id + ": " + job.path("state").asText() + " "
        + job.path("progress").path("done").asLong() + "/" + job.path("progress").path("total").asLong() + " "
        + job.path("message").asText(""), json, out);
  }

  /** One look at what is followed: a job or a run, or null while it is not there yet. */
  @FunctionalInterface
  interface Poll {
    JsonNode read() throws Exception;
  }

  /**
   * Polls until what is followed is {@code succeeded} or {@code failed}, printing its line whenever it
   * changes (as JSON: only the last state); returns 0 when it succeeded.
   */
  static int followUntilEnd(Poll poll, java.util.function.Function<JsonNode, String> line, boolean json,
      PrintStream out) throws Exception {
    String last = "";
    while (true) {
      JsonNode node = poll.read();
      if (node != null) {
        String text = line.apply(node);
        if (!json && !text.equals(last)) {
          out.println(text);
          last = text;
        }
        String state = node.path("state").asText();
        if (state.equals("succeeded") || state.equals("failed")) {
          if (json) {
            print(out, node);
          }
          return state.equals("succeeded") ? 0 : 1;
        }
      }
      Thread.sleep(500);
    }
  }

  @Command(name = "vulndb", mixinStandardHelpOptions = true, description = "Vulnerability database.",
      subcommands = {VulndbImport.class, VulndbStatus.class})
  public static final class Vulndb implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(System.out);
    }
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Import vulnerability records (OSV directory or zip, Alpine secdb JSON, Debian tracker JSON) "
          + "and wait for the import and the re-match of every stored image.")
  static final class VulndbImport implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Parameters(paramLabel = "PATH", description = "File, or directory of OSV JSON records.")
    Path path;

    @Option(names = "--format", defaultValue = "osv", description = "osv, alpine-secdb or debian-tracker.")
    String format;

    @Option(names = "--source", description = "Name of what is imported; a later import of the same source "
        + "replaces it (default: the format).")
    String source;

    @Override
    public Integer call() throws Exception {
      return run(() -> {
        if (!Files.exists(path)) {
          throw new ApiClient.Failure(path + " does not exist");
        }
        byte[] body = Files.isDirectory(path) ? zipJson(path) : Files.readAllBytes(path);
        ApiClient client = connection.client();
        String query = "?format=" + enc(format) + "&source=" + enc(source == null ? format : source);
        JsonNode job = client.post("/vulnerability-db/imports" + query, HttpRequest.BodyPublishers.ofByteArray(body),
            "application/octet-stream");
        return follow(client, job.path("id").asLong(), connection.json(), System.out);
      });
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show the database version and sources.")
  static final class VulndbStatus implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Override
    public Integer call() throws Exception {
      return run(() -> {
        JsonNode db = connection.client().get("/vulnerability-db");
        if (connection.json()) {
          print(System.out, db);
        } else {
          System.out.println("version " + db.path("version").asLong());
          for (JsonNode s : db.path("sources")) {
            System.out.printf("%-32s %-16s %8d advisories  (version %d)%n", s.path("source").asText(),
                s.path("format").asText(), s.path("advisories").asInt(), s.path("version").asLong());
          }
        }
        return 0;
      });
    }
  }

  @Command(name = "scan", mixinStandardHelpOptions = true,
      description = "Scan an image now and show its vulnerability counts (REPOSITORY:TAG or REPOSITORY@DIGEST).")
  public static final class Scan implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Parameters(paramLabel = "IMAGE")
    String image;

    @Override
    public Integer call() throws Exception {
      return run(() -> {
        int at = image.indexOf('@');
        int colon = image.lastIndexOf(':');
        String repository = at > 0 ? image.substring(0, at) : colon > 0 ? image.substring(0, colon) : image;
        String reference = at > 0 ? image.substring(at + 1) : colon > 0 ? image.substring(colon + 1) : "latest";
        ApiClient client = connection.client();
        String base = "/repositories/" + repository + "/manifests/" + reference + "/scan";
        JsonNode job = client.post(base, HttpRequest.BodyPublishers.noBody(), "application/json");
        int status = follow(client, job.path("id").asLong(), false, connection.json() ? new PrintStream(
            new ByteArrayOutputStream()) : System.out);
        JsonNode summary = client.get(base);
        if (connection.json()) {
          print(System.out, summary);
        } else {
          for (JsonNode p : summary.path("platforms")) {
            JsonNode c = p.path("counts");
            System.out.printf("%-20s %s  critical %d  major %d  minor %d  %s%n", p.path("platform").asText("-"),
                p.path("status").asText(), c.path("critical").asInt(), c.path("major").asInt(), c.path("minor").asInt(),
                p.path("digest").asText());
          }
        }
        return status;
      });
    }
  }

  @Command(name = "jobs", mixinStandardHelpOptions = true, description = "List background jobs, or follow one.")
  public static final class Jobs implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Parameters(paramLabel = "ID", arity = "0..1", description = "Follow this job until it ends.")
    Long id;

    @Option(names = "--state", description = "queued, running, succeeded or failed.")
    String state;

    @Override
    public Integer call() throws Exception {
      return run(() -> {
        ApiClient client = connection.client();
        if (id != null) {
          return follow(client, id, connection.json(), System.out);
        }
        return printItems(connection, client.get("/jobs" + (state == null ? "" : "?state=" + enc(state))),
            j -> System.out.printf("%6d %-16s %-10s %s/%s %s  %s%n", j.path("id").asLong(), j.path("kind").asText(),
                j.path("state").asText(), j.path("progress").path("done").asLong(),
                j.path("progress").path("total").asLong(), j.path("subject").asText(), j.path("message").asText("")));
      });
    }
  }

  @Command(name = "schedules", mixinStandardHelpOptions = true,
      description = "List the periodic jobs: their interval, next and last run, and the job queued last.")
  public static final class Schedules implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Override
    public Integer call() throws Exception {
      return run(() -> {
        return printItems(connection, connection.client().get("/schedules"),
            s -> System.out.printf("%-16s %-16s every %-8s next %s  last %s  job %s%n", s.path("name").asText(),
                s.path("kind").asText(), s.path("interval").asText(), s.path("nextRunAt").asText(),
                s.path("lastRunAt").asText("-"), s.path("lastJobId").asText("-")));
      });
    }
  }

  @Command(name = "audit", mixinStandardHelpOptions = true,
      description = "Show the audit log, newest first: who changed what, from where, in which request.")
  public static final class Audit implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Option(names = "--since", description = "At or after this RFC 3339 time, e.g. 2026-12-01T00:00:00Z.")
    String since;

    @Option(names = "--until", description = "Before this RFC 3339 time.")
    String until;

    @Option(names = "--action", description = "One event type, e.g. user.created or manifest.pushed.")
    String action;

    @Option(names = "--actor", description = "Only what this user, robot or 'system' did.")
    String actor;

    @Option(names = "--repository", description = "Only entries about this repository.")
    String repository;

    @Option(names = "--limit", defaultValue = "100", description = "At most this many entries (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() throws Exception {
      return run(() -> {
        StringBuilder query = new StringBuilder("/audit?limit=" + limit);
        String[][] filters = {{"since", since}, {"until", until}, {"action", action}, {"actor", actor},
            {"repository", repository}};
        for (String[] filter : filters) {
          if (filter[1] != null) {
            query.append('&').append(filter[0]).append('=').append(enc(filter[1]));
          }
        }
        return printItems(connection, connection.client().get(query.toString()), e -> {
          String about = e.path("target").isTextual() ? e.path("target").asText()
              : e.path("repository").asText("") + (e.path("tag").isTextual() ? ":" + e.path("tag").asText()
                  : e.path("digest").isTextual() ? "@" + e.path("digest").asText() : "");
          System.out.printf("%s %-24s %-16s %s%s  (%s, %s)%n", e.path("at").asText(), e.path("action").asText(),
              e.path("actor").asText(), about, e.path("target").isTextual() && e.path("repository").isTextual()
                  ? " on " + e.path("repository").asText() : "",
              e.path("client").asText("-"), e.path("requestId").asText("-"));
        });
      });
    }
  }

  /** A page as JSON with --output json, else one line per item. */
  static int printItems(Connection connection, JsonNode page, java.util.function.Consumer<JsonNode> line)
      throws IOException {
    if (connection.json()) {
      print(System.out, page);
    } else {
      page.path("items").forEach(line);
    }
    return 0;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** A directory of OSV records as the zip archive the API takes (only *.json files). */
  static byte[] zipJson(Path directory) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out); Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.filter(f -> Files.isRegularFile(f) && f.toString().endsWith(".json")).sorted().toList()) {
        zip.putNextEntry(new ZipEntry(directory.relativize(file).toString()));
        Files.copy(file, zip);
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }
}
