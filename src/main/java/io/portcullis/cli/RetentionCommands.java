package io.portcullis.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code portcullis retention …}: repositories' pruning policies, through the REST API. */
public final class RetentionCommands {
  private RetentionCommands() {}

  @Command(name = "retention", mixinStandardHelpOptions = true,
      description = "Pruning policies: which tags a repository keeps (see docs/pruning.md).",
      subcommands = {RetentionGet.class, RetentionSet.class, RetentionRemove.class, RetentionRun.class})
  public static final class Retention extends IdentityCommands.Group {}

  /** Reads a JSON option; bad JSON is a usage error naming the option. */
  static final class JsonArgument implements ITypeConverter<JsonNode> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public JsonNode convert(String value) {
      try {
        return JSON.readTree(value);
      } catch (JsonProcessingException e) {
        throw new TypeConversionException("not JSON: " + e.getOriginalMessage());
      }
    }
  }

  static String path(String repository) {
    return "/repositories/" + repository + "/retention";
  }

  static String policyLine(JsonNode p) {
    return String.format("%s: keep newest %d, prune older than %s; include %s exclude %s; %s%s%s",
        p.path("repository").asText(), p.path("keepNewest").asInt(), p.path("olderThan").asText("-"),
        p.path("include").toString(), p.path("exclude").toString(),
        p.path("afterPush").asBoolean() ? "after pushes" : "not after pushes",
        p.path("interval").isNull() ? "" : ", every " + p.path("interval").asText(),
        p.path("enabled").asBoolean() ? "" : "  [disabled]");
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a repository's pruning policy.")
  static final class RetentionGet extends IdentityCommands.Base {
    @Parameters(paramLabel = "REPOSITORY")
    String repository;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.get(path(repository));
    }

    @Override
    String text(JsonNode answer) {
      return policyLine(answer);
    }
  }

  @Command(name = "set", mixinStandardHelpOptions = true,
      description = "Set or replace a repository's pruning policy (--keep, --older-than or both).")
  static final class RetentionSet extends IdentityCommands.Base {
    @Parameters(paramLabel = "REPOSITORY")
    String repository;

    @Option(names = "--keep", description = "Keep the N most recently tagged of the selected tags.")
    Integer keepNewest;

    @Option(names = "--older-than", description = "Prune only tags tagged longer ago (ISO-8601, e.g. P30D).")
    String olderThan;

    @Option(names = "--criteria", converter = JsonArgument.class, description = "Criteria as JSON, as promotion policies take them, e.g. "
        + "'[{\"type\":\"vulnerabilities\",\"severity\":\"critical\",\"op\":\">=\",\"count\":1}]'.")
    JsonNode criteria;

    @Option(names = "--include", description = "Tag glob the policy looks at (repeatable; default all).")
    List<String> include;

    @Option(names = "--exclude", description = "Tag glob the policy never touches (repeatable).")
    List<String> exclude;

    @Option(names = "--after-push", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Run after every push (default; --no-after-push: only on schedule or demand).")
    boolean afterPush;

    @Option(names = "--interval", description = "Also run on this schedule (ISO-8601, e.g. P1D).")
    String interval;

    @Option(names = "--enabled", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Whether pushes and the schedule run it (--no-enabled: on demand only).")
    boolean enabled;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      ObjectNode body = body();
      if (keepNewest != null) {
        body.put("keepNewest", keepNewest);
      }
      if (olderThan != null) {
        body.put("olderThan", olderThan);
      }
      if (include != null) {
        include.forEach(body.putArray("include")::add);
      }
      if (exclude != null) {
        exclude.forEach(body.putArray("exclude")::add);
      }
      if (interval != null) {
        body.put("interval", interval);
      }
      if (criteria != null) {
        body.set("criteria", criteria);
      }
      body.put("afterPush", afterPush).put("enabled", enabled);
      return client.call("PUT", path(repository), body);
    }

    @Override
    String text(JsonNode answer) {
      return policyLine(answer);
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a repository's pruning policy.")
  static final class RetentionRemove extends IdentityCommands.Base {
    @Parameters(paramLabel = "REPOSITORY")
    String repository;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("DELETE", path(repository), null);
    }

    @Override
    String text(JsonNode answer) {
      return "removed the pruning policy of " + repository;
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Run a repository's pruning policy now; --dry-run says what it would do.")
  static final class RetentionRun extends IdentityCommands.Base {
    @Parameters(paramLabel = "REPOSITORY")
    String repository;

    @Option(names = "--dry-run", description = "Change nothing; report what a run would prune and why.")
    boolean dryRun;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("POST", path(repository) + "/runs", body().put("dryRun", dryRun));
    }

    @Override
    String text(JsonNode answer) {
      StringBuilder out = new StringBuilder();
      answer.path("tags").forEach(t -> out.append(String.format("%-11s %-30s %s  %s%n", t.path("outcome").asText(),
          t.path("tag").asText(), t.path("digest").asText().substring(0, Math.min(19, t.path("digest").asText().length())),
          t.path("reason").asText())));
      JsonNode c = answer.path("counts");
      out.append(answer.path("dryRun").asBoolean() ? "dry run: " : "").append(c.path("pruned").asLong()
          + c.path("wouldPrune").asLong()).append(answer.path("dryRun").asBoolean() ? " would be pruned, " : " pruned, ")
          .append(c.path("kept").asLong()).append(" kept, ").append(c.path("skipped").asLong()).append(" skipped");
      return out.toString();
    }
  }
}
