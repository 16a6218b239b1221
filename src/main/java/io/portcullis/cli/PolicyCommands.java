package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code portcullis policies …} (promotion policies, dry runs, promotions) and
 * {@code portcullis immutability-rules …}, through the REST API.
 */
public final class PolicyCommands {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
  private static final Pattern COUNT = Pattern.compile("\\s*([a-z]+)\\s*(!=|<=|>=|==|=|<|>|≠|≤|≥)\\s*(\\d+)\\s*");

  private PolicyCommands() {}

  @Command(name = "policies", mixinStandardHelpOptions = true,
      description = "Promotion policies: copy images that pass from a source to a target repository (see docs/policies.md).",
      subcommands = {PoliciesList.class, PoliciesCreate.class, PoliciesGet.class, PoliciesUpdate.class,
          PoliciesDelete.class, PoliciesApply.class, PoliciesPromotions.class})
  public static final class Policies extends IdentityCommands.Group {}

  @Command(name = "immutability-rules", mixinStandardHelpOptions = true,
      description = "Tag immutability rules: tags matching a glob in a repository or namespace can be neither moved nor deleted.",
      subcommands = {RulesList.class, RulesAdd.class, RulesDelete.class})
  public static final class Rules extends IdentityCommands.Group {}

  static String policyLine(JsonNode p) {
    return String.format("%4d %-20s #%d %-24s -> %s:%s%s  (%s)", p.path("id").asLong(), p.path("source").asText(),
        p.path("position").asInt(), p.path("name").asText(), p.path("target").asText(), p.path("tagTemplate").asText(),
        p.path("enabled").asBoolean() ? "" : "  [disabled]", criteriaText(p.path("criteria")));
  }

  static String criteriaText(JsonNode criteria) {
    StringBuilder out = new StringBuilder();
    for (JsonNode c : criteria) {
      out.append(out.isEmpty() ? "" : " and ").append(switch (c.path("type").asText()) {
        case "tag" -> "tag " + (c.has("glob") ? c.path("glob").asText() : "~" + c.path("regex").asText());
        case "vulnerabilities" -> c.path("severity").asText() + " " + c.path("op").asText() + " " + c.path("count").asInt();
        case "package" -> (c.path("present").asBoolean() ? "with " : "without ") + c.path("name").asText()
            + (c.has("versions") ? " " + c.path("versions").asText() : "");
        case "license" -> c.has("allowed") ? "licenses in " + c.path("allowed") : "no license of " + c.path("denied");
        case "scanAge" -> "scanned within " + c.path("max").asText();
        default -> c.toString();
      });
    }
    return out.isEmpty() ? "always" : out.toString();
  }

  static String decisionLine(JsonNode d) {
    String where = d.hasNonNull("targetTag") ? " -> " + d.path("target").asText() + ":" + d.path("targetTag").asText() : "";
    StringBuilder out = new StringBuilder(String.format("%-16s %s:%s%s", d.path("outcome").asText(),
        d.path("repository").asText(), d.path("tag").asText(), where));
    d.path("reasons").forEach(r -> out.append("\n    ").append(r.asText()));
    return out.toString();
  }

  /** The settings options of create and update; those not given are left out of the body. */
  abstract static class Settings extends IdentityCommands.Base {
    @Option(names = "--name", description = "What the policy is called.")
    String name;

    @Option(names = "--target", description = "Target repository; {name} is the source's name below a namespace source.")
    String target;

    @Option(names = "--tag-template", description = "Target tag: {tag}, {digest}, {digest:12}, {date:yyyyMMdd}, {platform}, {n}.")
    String tagTemplate;

    @Option(names = "--position", description = "Order among the source's policies (default: last).")
    Integer position;

    @Option(names = "--enabled", negatable = true, description = "Promote (--no-enabled: dry runs only).")
    Boolean enabled;

    @Option(names = "--referrers", negatable = true, description = "Copy the image's referrers (signatures, SBOMs) too.")
    Boolean referrers;

    @Option(names = "--tag", description = "Criterion: the tag matches this glob (repeatable: all must hold).")
    List<String> tags;

    @Option(names = "--tag-regex", description = "Criterion: the whole tag matches this regular expression.")
    String tagRegex;

    @Option(names = "--vulnerabilities", description = "Criterion: SEVERITY OP COUNT, e.g. 'critical=0', 'major<=2', "
        + "'all<10' (severity all, critical, major, minor; repeatable).")
    List<String> counts;

    @Option(names = "--with-package", description = "Criterion: NAME[ VERSIONS] installed, e.g. 'openssl >=3.0'.")
    List<String> withPackages;

    @Option(names = "--without-package", description = "Criterion: NAME[ VERSIONS] not installed, e.g. 'log4j-core <2.17.1'.")
    List<String> withoutPackages;

    @Option(names = "--licenses-allowed", split = ",", description = "Criterion: only these SPDX ids (comma-separated).")
    List<String> allowed;

    @Option(names = "--licenses-denied", split = ",", description = "Criterion: none of these SPDX ids (comma-separated).")
    List<String> denied;

    @Option(names = "--max-scan-age", description = "Criterion: findings matched at most this long ago (ISO-8601, e.g. P7D).")
    String scanAge;

    @Option(names = "--no-criteria", description = "Remove every criterion (update): the policy promotes every tag.")
    boolean noCriteria;

    ObjectNode settings() {
      ObjectNode body = body();
      put(body, "name", name);
      put(body, "target", target);
      put(body, "tagTemplate", tagTemplate);
      if (position != null) {
        body.put("position", position);
      }
      if (enabled != null) {
        body.put("enabled", enabled);
      }
      if (referrers != null) {
        body.put("referrers", referrers);
      }
      ArrayNode criteria = JSON.createArrayNode();
      if (tags != null) {
        tags.forEach(glob -> criteria.addObject().put("type", "tag").put("glob", glob));
      }
      if (tagRegex != null) {
        criteria.addObject().put("type", "tag").put("regex", tagRegex);
      }
      if (counts != null) {
        for (String count : counts) {
          Matcher m = COUNT.matcher(count);
          if (!m.matches()) {
            throw new ApiClient.Failure("--vulnerabilities '" + count + "' is not SEVERITY OP COUNT (critical=0)");
          }
          criteria.addObject().put("type", "vulnerabilities").put("severity", m.group(1)).put("op", m.group(2))
              .put("count", Integer.parseInt(m.group(3)));
        }
      }
      packages(criteria, withPackages, true);
      packages(criteria, withoutPackages, false);
      if (allowed != null) {
        allowed.forEach(criteria.addObject().put("type", "license").putArray("allowed")::add);
      }
      if (denied != null) {
        denied.forEach(criteria.addObject().put("type", "license").putArray("denied")::add);
      }
      if (scanAge != null) {
        criteria.addObject().put("type", "scanAge").put("max", scanAge);
      }
      if (!criteria.isEmpty() || noCriteria) {
        body.set("criteria", criteria);
      }
      return body;
    }

    private static void packages(ArrayNode criteria, List<String> packages, boolean present) {
      if (packages == null) {
        return;
      }
      for (String spec : packages) {
        String[] parts = spec.strip().split("\\s+", 2);
        ObjectNode c = criteria.addObject().put("type", "package").put("name", parts[0]).put("present", present);
        if (parts.length > 1) {
          c.put("versions", parts[1]);
        }
      }
    }

    private static void put(ObjectNode body, String field, String value) {
      if (value != null) {
        body.put(field, value);
      }
    }

    @Override
    String text(JsonNode answer) {
      return policyLine(answer);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the policies whose source you manage.")
  static final class PoliciesList extends IdentityCommands.Base {
    @Option(names = "--source", description = "Only this source's policies.")
    String source;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.get("/policies" + (source == null ? "" : "?source=" + java.net.URLEncoder.encode(source,
          java.nio.charset.StandardCharsets.UTF_8))).path("items");
    }

    @Override
    String text(JsonNode answer) {
      return lines(answer, PolicyCommands::policyLine);
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Add a policy to SOURCE (a repository, or a namespace such as hub/*), e.g. "
          + "create hub/* --name clean --target official/{name} --vulnerabilities critical=0 --vulnerabilities major=0")
  static final class PoliciesCreate extends Settings {
    @Parameters(paramLabel = "SOURCE")
    String source;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      ObjectNode body = settings().put("source", source);
      if (!body.has("name")) {
        body.put("name", source + " to " + target);
      }
      return client.call("POST", "/policies", body);
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a policy.")
  static final class PoliciesGet extends IdentityCommands.Base {
    @Parameters(paramLabel = "ID")
    long id;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.get("/policies/" + id);
    }

    @Override
    String text(JsonNode answer) {
      return policyLine(answer);
    }
  }

  @Command(name = "update", mixinStandardHelpOptions = true,
      description = "Change a policy; settings not given stay, criteria given replace all of them. You become its owner.")
  static final class PoliciesUpdate extends Settings {
    @Parameters(paramLabel = "ID")
    long id;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("PATCH", "/policies/" + id, settings());
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a policy; what it promoted stays.")
  static final class PoliciesDelete extends IdentityCommands.Base {
    @Parameters(paramLabel = "ID")
    long id;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("DELETE", "/policies/" + id, null);
    }

    @Override
    String text(JsonNode answer) {
      return "deleted policy " + id;
    }
  }

  @Command(name = "apply", mixinStandardHelpOptions = true,
      description = "Evaluate a policy against every existing tag now; --dry-run only reports what would happen and why.")
  static final class PoliciesApply extends IdentityCommands.Base {
    @Parameters(paramLabel = "ID")
    long id;

    @Option(names = "--dry-run", description = "Change nothing; report which tag would go where, and why (not).")
    boolean dryRun;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("POST", "/policies/" + id + "/apply?dryRun=" + dryRun, null);
    }

    @Override
    String text(JsonNode answer) {
      return (answer.path("dryRun").asBoolean() ? "dry run of policy " : "applied policy ") + id + ":\n"
          + lines(answer.path("items"), PolicyCommands::decisionLine);
    }
  }

  @Command(name = "promotions", mixinStandardHelpOptions = true, description = "What a policy promoted or refused to, newest first.")
  static final class PoliciesPromotions extends IdentityCommands.Base {
    @Parameters(paramLabel = "ID")
    long id;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.getAll("/policies/" + id + "/promotions");
    }

    @Override
    String text(JsonNode answer) {
      return lines(answer, p -> String.format("%s %-8s %s:%s@%s -> %s:%s%s", p.path("at").asText(),
          p.path("state").asText(), p.path("repository").asText(), p.path("tag").asText(),
          p.path("digest").asText().substring(0, Math.min(19, p.path("digest").asText().length())),
          p.path("target").asText(), p.path("targetTag").asText(),
          p.hasNonNull("reason") ? " — " + p.path("reason").asText() : ""));
    }
  }

  static String ruleLine(JsonNode r) {
    return String.format("%4d %-28s tags %s", r.path("id").asLong(), r.path("scope").asText(), r.path("pattern").asText());
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the rules whose scope you manage.")
  static final class RulesList extends IdentityCommands.Base {
    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.get("/immutability-rules").path("items");
    }

    @Override
    String text(JsonNode answer) {
      return lines(answer, PolicyCommands::ruleLine);
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Protect the tags matching PATTERN (glob) in SCOPE (a repository, or a namespace such as official/*).")
  static final class RulesAdd extends IdentityCommands.Base {
    @Parameters(index = "0", paramLabel = "SCOPE")
    String scope;

    @Parameters(index = "1", paramLabel = "PATTERN")
    String pattern;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("POST", "/immutability-rules", body().put("scope", scope).put("pattern", pattern));
    }

    @Override
    String text(JsonNode answer) {
      return ruleLine(answer);
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a rule.")
  static final class RulesDelete extends IdentityCommands.Base {
    @Parameters(paramLabel = "ID")
    long id;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("DELETE", "/immutability-rules/" + id, null);
    }

    @Override
    String text(JsonNode answer) {
      return "deleted immutability rule " + id;
    }
  }
}
