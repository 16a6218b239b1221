package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code portcullis caches …}: pull-through caches, through the REST API. */
public final class CacheCommands {
  private CacheCommands() {}

  @Command(name = "caches", mixinStandardHelpOptions = true,
      description = "Pull-through caches: namespaces filled on demand from upstream registries (see docs/mirroring.md).",
      subcommands = {CachesList.class, CachesCreate.class, CachesGet.class, CachesUpdate.class, CachesDelete.class})
  public static final class Caches extends IdentityCommands.Group {}

  static String cacheLine(JsonNode c) {
    StringBuilder upstreams = new StringBuilder();
    for (JsonNode u : c.path("upstreams")) {
      upstreams.append(upstreams.isEmpty() ? "" : ", ").append(u.path("url").asText())
          .append(u.hasNonNull("prefix") ? "/" + u.path("prefix").asText() : "")
          .append(u.path("authenticated").asBoolean() ? " [credentials]" : "");
    }
    return String.format("%4d %-20s <- %s (fresh for %s)", c.path("id").asLong(), c.path("namespace").asText(),
        upstreams, c.path("freshness").asText());
  }

  /** One upstream: {@code --upstream} starts it, the options after it belong to it. */
  static final class Upstream {
    @Option(names = "--upstream", required = true,
        description = "Upstream registry, asked in the order given (repeatable): host (HTTPS) or URL; docker.io for Docker Hub.")
    String registry;

    @Option(names = "--prefix", description = "Upstream path put before the local one (myorg: cache/app is myorg/app).")
    String prefix;

    @Option(names = "--username", description = "Upstream user of this upstream.")
    String username;

    @Option(names = "--password", interactive = true, arity = "0..1",
        description = "Upstream password or token of this upstream; asked for when given without a value.")
    String password;
  }

  /** The settings options of create and update; those not given are left out of the body. */
  abstract static class Settings extends IdentityCommands.Base {
    @Option(names = "--freshness", description = "ISO-8601 duration a cached tag is served without asking (default PT10M).")
    String freshness;

    @ArgGroup(exclusive = false, multiplicity = "0..*")
    List<Upstream> upstreams;

    ObjectNode settings() {
      ObjectNode body = body();
      if (freshness != null) {
        body.put("freshness", freshness);
      }
      if (upstreams != null) {
        ArrayNode list = body.putArray("upstreams");
        for (Upstream u : upstreams) {
          ObjectNode node = list.addObject().put("registry", u.registry);
          if (u.prefix != null) {
            node.put("prefix", u.prefix);
          }
          if (u.username != null) {
            node.put("username", u.username);
          }
          if (u.password != null) {
            node.put("password", u.password);
          }
        }
      }
      return body;
    }

    @Override
    String text(JsonNode answer) {
      return cacheLine(answer);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the caches of namespaces you manage.")
  static final class CachesList extends IdentityCommands.Base {
    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.get("/caches").path("items");
    }

    @Override
    String text(JsonNode answer) {
      return lines(answer, CacheCommands::cacheLine);
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Make NAMESPACE a pull-through cache of the upstreams given, in order.")
  static final class CachesCreate extends Settings {
    @Parameters(paramLabel = "NAMESPACE", description = "Local namespace, e.g. dockerhub.")
    String namespace;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("POST", "/caches", settings().put("namespace", namespace));
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a cache.")
  static final class CachesGet extends IdentityCommands.Base {
    @Parameters(paramLabel = "ID")
    long id;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.get("/caches/" + id);
    }

    @Override
    String text(JsonNode answer) {
      return cacheLine(answer);
    }
  }

  @Command(name = "update", mixinStandardHelpOptions = true,
      description = "Change a cache; --upstream replaces the whole list (credentials included).")
  static final class CachesUpdate extends Settings {
    @Parameters(paramLabel = "ID")
    long id;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("PATCH", "/caches/" + id, settings());
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Delete a cache; what it stored stays, as ordinary repositories.")
  static final class CachesDelete extends IdentityCommands.Base {
    @Parameters(paramLabel = "ID")
    long id;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("DELETE", "/caches/" + id, null);
    }

    @Override
    String text(JsonNode answer) {
      return "deleted cache " + id;
    }
  }
}
