package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code portcullis quotas …}: storage quotas per namespace, through the REST API. */
public final class QuotaCommands {
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMGTP]i?B|B)?", Pattern.CASE_INSENSITIVE);
  private static final Map<String, Long> UNITS = Map.ofEntries(Map.entry("B", 1L),
      Map.entry("KB", 1000L), Map.entry("MB", 1000L * 1000), Map.entry("GB", 1000L * 1000 * 1000),
      Map.entry("TB", 1000L * 1000 * 1000 * 1000), Map.entry("PB", 1000L * 1000 * 1000 * 1000 * 1000),
      Map.entry("KIB", 1L << 10), Map.entry("MIB", 1L << 20), Map.entry("GIB", 1L << 30), Map.entry("TIB", 1L << 40),
      Map.entry("PIB", 1L << 50));

  private QuotaCommands() {}

  @Command(name = "quotas", mixinStandardHelpOptions = true,
      description = "Storage quotas per namespace and what each namespace stores (see docs/quotas.md).",
      subcommands = {QuotasList.class, QuotasGet.class, QuotasSet.class, QuotasRemove.class})
  public static final class Quotas extends IdentityCommands.Group {}

  /** Bytes of a size such as {@code 1073741824}, {@code 500MB} or {@code 10GiB}. */
  static long bytes(String text) {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is no size: give bytes, or a number with B, KB, MB, GB, TB "
          + "(powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024)");
    }
    long unit = m.group(2) == null ? 1 : UNITS.get(m.group(2).toUpperCase(Locale.ROOT));
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is too large");
    }
  }

  /** Reads {@code --limit}; a bad size is a usage error naming the option. */
  static final class Size implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return bytes(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  static String line(JsonNode u) {
    String limit = u.path("limitBytes").isNull() ? "no quota"
        : "of " + u.path("limitBytes").asLong() + " (warn at " + u.path("warnPercent").asInt() + "%)";
    return String.format("%-24s %14d bytes in %d blobs %s  [%s]", u.path("namespace").asText(),
        u.path("usedBytes").asLong(), u.path("blobs").asLong(), limit, u.path("state").asText());
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Namespaces with a quota and their usage.")
  static final class QuotasList extends IdentityCommands.Base {
    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.getAll("/quotas");
    }

    @Override
    String text(JsonNode answer) {
      return lines(answer, QuotaCommands::line);
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "What a namespace stores, and its quota.")
  static final class QuotasGet extends IdentityCommands.Base {
    @Parameters(paramLabel = "NAMESPACE")
    String namespace;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.get("/quotas/" + namespace);
    }

    @Override
    String text(JsonNode answer) {
      return line(answer);
    }
  }

  @Command(name = "set", mixinStandardHelpOptions = true,
      description = "Set or replace a namespace's quota: pushes past it are refused with DENIED.")
  static final class QuotasSet extends IdentityCommands.Base {
    @Parameters(paramLabel = "NAMESPACE")
    String namespace;

    @Option(names = "--limit", required = true, converter = Size.class,
        description = "The limit: bytes, or e.g. 500MB, 10GiB.")
    long limit;

    @Option(names = "--warn", description = "Percent of the limit at which quota.warning is recorded (default 80).")
    Integer warnPercent;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      var body = body().put("limitBytes", limit);
      if (warnPercent != null) {
        body.put("warnPercent", warnPercent);
      }
      return client.call("PUT", "/quotas/" + namespace, body);
    }

    @Override
    String text(JsonNode answer) {
      return line(answer);
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a namespace's quota.")
  static final class QuotasRemove extends IdentityCommands.Base {
    @Parameters(paramLabel = "NAMESPACE")
    String namespace;

    @Override
    JsonNode execute(ApiClient client) throws Exception {
      return client.call("DELETE", "/quotas/" + namespace, null);
    }

    @Override
    String text(JsonNode answer) {
      return "removed the quota of " + namespace;
    }
  }
}
