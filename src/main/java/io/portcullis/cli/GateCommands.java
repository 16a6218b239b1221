package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code portcullis gates …} and {@code portcullis allowlist …}: pull gates and CVE allowlists of the
 * registry, a namespace or a repository, through the REST API (docs/pull-gates.md).
 */
public final class GateCommands {
  private GateCommands() {}

  @Command(name = "gates", mixinStandardHelpOptions = true,
      description = "Pull gates: refuse pulls of vulnerable or unscanned images.",
      subcommands = {GatesGet.class, GatesSet.class, GatesDelete.class, GatesCheck.class})
  public static final class Gates extends IdentityCommands.Group {}

  @Command(name = "allowlist", mixinStandardHelpOptions = true,
      description = "CVE allowlists: accepted vulnerabilities, with justification and expiry.",
      subcommands = {AllowlistList.class, AllowlistAdd.class, AllowlistRemove.class})
  public static final class Allowlist extends IdentityCommands.Group {}

  static String scope(JsonNode node) {
    return node.path("scope").asText() + (node.hasNonNull("scopeName") ? " " + node.get("scopeName").asText() : "");
  }

  static String gate(JsonNode g) {
    return scope(g) + ": refuse " + (g.hasNonNull("minSeverity") ? "severity >= " + g.get("minSeverity").asText() : "")
        + (g.hasNonNull("minSeverity") && g.path("refuseUnscanned").asBoolean() ? ", " : "")
        + (g.path("refuseUnscanned").asBoolean() ? "unscanned" : "") + "  (set by " + g.path("updatedBy").asText()
        + " at " + g.path("updatedAt").asText() + ")";
  }

  static String entry(JsonNode e) {
    return String.format("%6d %-24s %-20s %-12s until %s%s  by %s: %s", e.path("id").asLong(), scope(e),
        e.path("vulnerabilityId").asText(), e.hasNonNull("package") ? e.get("package").asText() : "any package",
        e.path("expiresAt").asText(), e.path("expired").asBoolean() ? " (EXPIRED)" : "", e.path("createdBy").asText(),
        e.path("justification").asText());
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show the pull gate of a scope.")
  static final class GatesGet extends IdentityCommands.Base {
    @ArgGroup
    ScopeOptions scope;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.get(ScopeOptions.path(scope, "pull-gate"));
    }

    @Override
    String text(JsonNode answer) {
      return gate(answer);
    }
  }

  @Command(name = "set", mixinStandardHelpOptions = true,
      description = "Set the pull gate of a scope (it adds to the gates of wider scopes, never loosens them).")
  static final class GatesSet extends IdentityCommands.Base {
    @ArgGroup
    ScopeOptions scope;

    @Option(names = "--min-severity", paramLabel = "SEVERITY",
        description = "Refuse images with a vulnerability in force at critical, major or minor or above.")
    String minSeverity;

    @Option(names = "--refuse-unscanned", description = "Refuse images without a successful scan.")
    boolean refuseUnscanned;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      ObjectNode body = body().put("refuseUnscanned", refuseUnscanned);
      body.put("minSeverity", minSeverity);
      return client.call("PUT", ScopeOptions.path(scope, "pull-gate"), body);
    }

    @Override
    String text(JsonNode answer) {
      return gate(answer);
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Lift the pull gate of a scope.")
  static final class GatesDelete extends IdentityCommands.Base {
    @ArgGroup
    ScopeOptions scope;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("DELETE", ScopeOptions.path(scope, "pull-gate"), null);
    }

    @Override
    String text(JsonNode answer) {
      return "pull gate lifted";
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Whether a pull of REPOSITORY:REFERENCE would be refused, and why.")
  static final class GatesCheck extends IdentityCommands.Base {
    @Parameters(index = "0", paramLabel = "REPOSITORY")
    String repository;

    @Parameters(index = "1", paramLabel = "REFERENCE", description = "Tag or digest.")
    String reference;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.get("/repositories/" + repository + "/manifests/" + reference + "/pull-gate");
    }

    @Override
    String text(JsonNode answer) {
      return answer.path("allowed").asBoolean() ? "allowed" : answer.path("message").asText();
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the allowlist entries of a scope.")
  static final class AllowlistList extends IdentityCommands.Base {
    @ArgGroup
    ScopeOptions scope;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.get(ScopeOptions.path(scope, "cve-allowlist")).path("items");
    }

    @Override
    String text(JsonNode answer) {
      return lines(answer, GateCommands::entry);
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Accept a vulnerability in a scope until the entry expires.")
  static final class AllowlistAdd extends IdentityCommands.Base {
    @Parameters(index = "0", paramLabel = "VULNERABILITY", description = "CVE-…, GHSA-… or another id of it.")
    String vulnerability;

    @ArgGroup
    ScopeOptions scope;

    @Option(names = "--package", description = "Only in this installed package.")
    String packageName;

    @Option(names = "--expires", required = true, paramLabel = "TIME",
        description = "When the entry stops applying, RFC 3339 (2027-01-31T00:00:00Z).")
    String expires;

    @Option(names = "--justification", required = true, description = "Why the risk is accepted.")
    String justification;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      ObjectNode body = body().put("vulnerabilityId", vulnerability).put("expiresAt", expires)
          .put("justification", justification);
      if (packageName != null) {
        body.put("package", packageName);
      }
      return client.call("POST", ScopeOptions.path(scope, "cve-allowlist"), body);
    }

    @Override
    String text(JsonNode answer) {
      return entry(answer);
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove an allowlist entry.")
  static final class AllowlistRemove extends IdentityCommands.Base {
    @Parameters(index = "0", paramLabel = "ID")
    long id;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("DELETE", "/cve-allowlist/" + id, null);
    }

    @Override
    String text(JsonNode answer) {
      return "allowlist entry " + id + " removed";
    }
  }
}
