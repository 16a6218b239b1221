package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code portcullis webhooks …}: webhooks of the registry, a namespace or a repository, their secrets,
 * pings and delivery logs, through the REST API (docs/webhooks.md).
 */
public final class WebhookCommands {
  private WebhookCommands() {}

  @Command(name = "webhooks", mixinStandardHelpOptions = true, description = "Webhooks: signed event deliveries.",
      subcommands = {WebhooksList.class, WebhooksCreate.class, WebhooksGet.class, WebhooksUpdate.class,
          WebhooksDelete.class, WebhooksRotate.class, WebhooksPing.class, WebhooksDeliveries.class,
          WebhooksDelivery.class, WebhooksRedeliver.class})
  public static final class Webhooks extends IdentityCommands.Group {}

  /** What create and update set alike; only the options given are sent. */
  static final class Fields {
    @Option(names = "--events", split = ",", description = "Event types, e.g. tag.pushed,scan.failed, or 'all' "
        + "(the default of a new webhook).")
    List<String> events;

    @Option(names = "--format", description = "portcullis (the default of a new webhook) or cloudevents.")
    String format;

    @Option(names = "--description")
    String description;

    ObjectNode into(ObjectNode body) {
      if (events != null) {
        if (events.equals(List.of("all"))) {
          body.putNull("events");
        } else {
          events.forEach(body.putArray("events")::add);
        }
      }
      if (format != null) {
        body.put("format", format);
      }
      if (description != null) {
        body.put("description", description);
      }
      return body;
    }
  }

  /** A command about one webhook, the first parameter. */
  abstract static class OneWebhook extends IdentityCommands.Base {
    @Parameters(index = "0", paramLabel = "ID")
    long id;

    String path() {
      return "/webhooks/" + id;
    }
  }

  static String line(JsonNode w) {
    String scope = w.path("scope").asText() + (w.hasNonNull("scopeName") ? " " + w.get("scopeName").asText() : "");
    java.util.StringJoiner events = new java.util.StringJoiner(",");
    w.path("events").forEach(e -> events.add(e.asText()));
    return String.format("%6d %-8s %-28s %s  [%s] %s%s", w.path("id").asLong(),
        w.path("enabled").asBoolean() ? "enabled" : "DISABLED", scope, w.path("url").asText(), w.hasNonNull("events") ? events : "all events",
        w.path("format").asText(), w.hasNonNull("disabledReason") ? "  (" + w.get("disabledReason").asText() + ")" : "");
  }

  static String delivery(JsonNode d) {
    return String.format("%8d %-20s %-9s attempts %d  %s  %s%s", d.path("id").asLong(), d.path("type").asText(),
        d.path("state").asText(), d.path("attempts").asInt(), d.path("lastAttemptAt").asText("-"),
        d.hasNonNull("responseStatus") ? "HTTP " + d.get("responseStatus").asInt() : "no answer",
        d.hasNonNull("error") ? "  " + d.get("error").asText() : "");
  }

  static String issued(JsonNode w) {
    return line(w) + "\nsigning secret (shown once): " + w.path("secret").asText();
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the webhooks of the registry, or of a namespace or repository.")
  static final class WebhooksList extends IdentityCommands.Base {
    @ArgGroup
    ScopeOptions scope;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.get(ScopeOptions.path(scope, "webhooks")).path("items");
    }

    @Override
    String text(JsonNode answer) {
      return lines(answer, WebhookCommands::line);
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create a webhook; its signing secret is shown once.")
  static final class WebhooksCreate extends IdentityCommands.Base {
    @Parameters(paramLabel = "URL", description = "Where deliveries are POSTed (http or https).")
    String url;

    @ArgGroup
    ScopeOptions scope;

    @Mixin
    Fields fields;

    @Option(names = "--disabled", description = "Create it switched off.")
    boolean disabled;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("POST", ScopeOptions.path(scope, "webhooks"), fields.into(body().put("url", url).put("enabled", !disabled)));
    }

    @Override
    String text(JsonNode answer) {
      return issued(answer);
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a webhook.")
  static final class WebhooksGet extends OneWebhook {
    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.get(path());
    }

    @Override
    String text(JsonNode answer) {
      return line(answer) + "\nfailures in a row: " + answer.path("consecutiveFailures").asInt()
          + ", last success: " + answer.path("lastSuccessAt").asText("never");
    }
  }

  @Command(name = "update", mixinStandardHelpOptions = true,
      description = "Change a webhook; --enable also forgets its failures.")
  static final class WebhooksUpdate extends OneWebhook {
    @Option(names = "--endpoint", paramLabel = "URL", description = "A new URL to deliver to.")
    String url;

    @Mixin
    Fields fields;

    @Option(names = "--enable", negatable = true, description = "Switch it on (--enable) or off (--no-enable).")
    Boolean enable;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      ObjectNode body = fields.into(body());
      if (url != null) {
        body.put("url", url);
      }
      if (enable != null) {
        body.put("enabled", enable);
      }
      return client.call("PATCH", path(), body);
    }

    @Override
    String text(JsonNode answer) {
      return line(answer);
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a webhook and its delivery log.")
  static final class WebhooksDelete extends OneWebhook {
    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("DELETE", path(), null);
    }

    @Override
    String text(JsonNode answer) {
      return "webhook " + id + " deleted";
    }
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = "Replace a webhook's signing secret; the old one keeps signing during the overlap.")
  static final class WebhooksRotate extends OneWebhook {
    @Option(names = "--overlap", description = "ISO-8601 duration, e.g. PT1H; PT0S ends the old secret at once "
        + "(default: the server's webhooks.secret-overlap).")
    String overlap;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("POST", path() + "/rotate", body().put("overlap", overlap));
    }

    @Override
    String text(JsonNode answer) {
      return issued(answer) + "\nprevious secret signs until " + answer.path("previousSecretExpiresAt").asText("-");
    }
  }

  @Command(name = "ping", mixinStandardHelpOptions = true,
      description = "Send a test delivery and wait (up to 30 s) for its outcome; exit 1 when it failed.")
  static final class WebhooksPing extends OneWebhook {
    @Override
    JsonNode execute(ApiClient client) throws Exception {
      JsonNode delivery = client.call("POST", path() + "/ping", null);
      String path = path() + "/deliveries/" + delivery.path("id").asLong();
      for (int i = 0; i < 60 && delivery.path("state").asText().equals("pending"); i++) {
        Thread.sleep(500);
        delivery = client.get(path);
      }
      if (delivery.path("state").asText().equals("failed")) {
        throw new ApiClient.Failure("ping failed: " + delivery(delivery).strip());
      }
      return delivery;
    }

    @Override
    String text(JsonNode answer) {
      return delivery(answer);
    }
  }

  @Command(name = "deliveries", mixinStandardHelpOptions = true, description = "A webhook's delivery log, newest first.")
  static final class WebhooksDeliveries extends OneWebhook {
    @Option(names = "--limit", defaultValue = "20", description = "At most this many (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.get(path() + "/deliveries?limit=" + limit).path("items");
    }

    @Override
    String text(JsonNode answer) {
      return lines(answer, WebhookCommands::delivery);
    }
  }

  @Command(name = "delivery", mixinStandardHelpOptions = true,
      description = "One delivery: the request sent (headers, body) and the answer (status, first KiB).")
  static final class WebhooksDelivery extends OneWebhook {
    @Parameters(index = "1", paramLabel = "DELIVERY")
    long delivery;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.get(path() + "/deliveries/" + delivery);
    }

    @Override
    String text(JsonNode answer) {
      StringBuilder out = new StringBuilder(delivery(answer));
      answer.path("request").path("headers").fields()
          .forEachRemaining(h -> out.append("\n> ").append(h.getKey()).append(": ").append(h.getValue().asText()));
      out.append("\n> ").append(answer.path("request").path("body").asText(""));
      out.append("\n< ").append(answer.path("response").path("bodyHead").asText(""));
      return out.toString();
    }
  }

  @Command(name = "redeliver", mixinStandardHelpOptions = true,
      description = "Queue a finished delivery again (same webhook-id).")
  static final class WebhooksRedeliver extends OneWebhook {
    @Parameters(index = "1", paramLabel = "DELIVERY")
    long delivery;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("POST", path() + "/deliveries/" + delivery + "/redeliver", null);
    }

    @Override
    String text(JsonNode answer) {
      return "queued as delivery " + answer.path("id").asLong();
    }
  }
}
