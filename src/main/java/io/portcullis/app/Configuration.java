package io.portcullis.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.auth.secret.SecretBox;
import io.portcullis.auth.secret.SecretDecryptionException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Settings from, in increasing precedence: defaults, a YAML config file, {@code PORTCULLIS_*}
 * environment variables, command-line options. Every value is validated when read, so bad
 * configuration stops the start with one clear line.
 */
public final class Configuration {
  private final Map<Setting, String> values;
  private final java.util.List<String> warnings;

  private Configuration(Map<Setting, String> values, java.util.List<String> warnings) {
    this.values = values;
    this.warnings = java.util.List.copyOf(warnings);
  }

  /** What was suspicious but not wrong (an unknown {@code PORTCULLIS_*} variable), one line each. */
  public java.util.List<String> warnings() {
    return warnings;
  }

  /** Thrown for any invalid configuration; its message is the one line shown to the operator. */
  public static final class InvalidConfiguration extends RuntimeException {
    public InvalidConfiguration(String message) {
      super(message);
    }
  }

  public static Configuration load(Path file, Map<String, String> environment, Map<Setting, String> overrides) {
    Map<Setting, String> values = new EnumMap<>(Setting.class);
    for (Setting s : Setting.values()) {
      values.put(s, s.defaultValue());
    }
    if (file != null) {
      readFile(file, values);
    }
    java.util.Set<String> known = new java.util.HashSet<>(NOT_SETTINGS);
    for (Setting s : Setting.values()) {
      known.add(s.environmentVariable());
      String env = environment.get(s.environmentVariable());
      if (env != null) {
        values.put(s, env);
      }
    }
    // A misspelt variable would otherwise be silently ignored and its default used.
    java.util.List<String> warnings = environment.keySet().stream()
        .filter(name -> name.startsWith("PORTCULLIS_") && !known.contains(name)).sorted()
        .map(name -> "unknown environment variable " + name + " ignored (see docs/configuration.md)").toList();
    values.putAll(overrides);
    Configuration configuration = new Configuration(values, warnings);
    configuration.validate();
    return configuration;
  }

  /** Variables of ours that are no settings: bin/portcullis' JVM options and the CLI's connection. */
  private static final java.util.Set<String> NOT_SETTINGS = java.util.Set.of("PORTCULLIS_JAVA_OPTS", "PORTCULLIS_URL",
      "PORTCULLIS_USER", "PORTCULLIS_PASSWORD");

  private static void readFile(Path file, Map<Setting, String> values) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      var at = e.getLocation();
      String where = at == null ? "" : " line " + at.getLineNr() + " column " + at.getColumnNr();
      throw new InvalidConfiguration("config file " + file + where + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
    } catch (IOException e) {
      throw new InvalidConfiguration("cannot read config file " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return;
    }
    if (!root.isObject()) {
      throw new InvalidConfiguration("config file " + file + " must be a YAML mapping");
    }
    flatten("", root, values, file);
  }

  private static void flatten(String prefix, JsonNode node, Map<Setting, String> values, Path file) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String key = prefix + field.getKey();
      if (field.getValue().isObject()) {
        flatten(key + ".", field.getValue(), values, file);
        continue;
      }
      Setting setting = Setting.byKey(key);
      if (setting == null) {
        throw new InvalidConfiguration("unknown setting '" + key + "' in " + file);
      }
      values.put(setting, field.getValue().isNull() ? "" : field.getValue().asText());
    }
  }

  private void validate() {
    listen();
    dataDir();
    positive(Setting.DATABASE_POOL_SIZE);
    positive(Setting.JOBS_CONCURRENCY);
    positive(Setting.MAX_BLOB_BYTES);
    duration(Setting.AUTH_TOKEN_TTL);
    duration(Setting.UPLOAD_EXPIRY);
    duration(Setting.LDAP_SYNC_INTERVAL);
    duration(Setting.WEBHOOKS_TIMEOUT);
    duration(Setting.WEBHOOKS_RETRY_HORIZON);
    duration(Setting.WEBHOOKS_SECRET_OVERLAP);
    duration(Setting.WEBHOOKS_RETENTION);
    positive(Setting.WEBHOOKS_CONCURRENCY);
    positive(Setting.MIRROR_TRANSFERS);
    networkPolicy(Setting.WEBHOOKS_ALLOWED_NETWORKS);
    networkPolicy(Setting.MIRROR_ALLOWED_NETWORKS);
    duration(Setting.MIRROR_CONNECT_TIMEOUT);
    duration(Setting.MIRROR_READ_TIMEOUT);
    duration(Setting.GC_GRACE);
    if (!get(Setting.GC_INTERVAL).isEmpty()) {
      duration(Setting.GC_INTERVAL);
    }
    oneOf(Setting.GC_DELETE_UNTAGGED, "true", "false");
    String proxy = get(Setting.MIRROR_PROXY);
    if (!proxy.isEmpty() && !proxy.matches("http://[^/:@]+:\\d{1,5}/?")) {
      throw new InvalidConfiguration("mirror.proxy must be http://HOST:PORT, not " + proxy);
    }
    if (!get(Setting.MIRROR_CA_FILE).isEmpty() && !java.nio.file.Files.isReadable(Path.of(get(Setting.MIRROR_CA_FILE)))) {
      throw new InvalidConfiguration("mirror.ca-file " + get(Setting.MIRROR_CA_FILE) + " is not a readable file");
    }
    if (get(Setting.TLS_CERTIFICATE).isEmpty() != get(Setting.TLS_KEY).isEmpty()) {
      throw new InvalidConfiguration("tls.certificate and tls.key must be given together");
    }
    String ldap = get(Setting.LDAP_URL);
    if (!ldap.isEmpty() && (get(Setting.LDAP_BIND_DN).isEmpty() || get(Setting.LDAP_USER_SEARCH_BASE).isEmpty())) {
      throw new InvalidConfiguration("ldap.url needs ldap.bind-dn and ldap.user-search-base");
    }
    if (!get(Setting.OIDC_ISSUER).isEmpty() && (get(Setting.OIDC_CLIENT_ID).isEmpty()
        || (get(Setting.OIDC_REDIRECT_URI).isEmpty() && get(Setting.PUBLIC_URL).isEmpty()))) {
      throw new InvalidConfiguration("oidc.issuer needs oidc.client-id and oidc.redirect-uri (or public-url)");
    }
    oneOf(Setting.LOG_FORMAT, "json", "text");
    oneOf(Setting.LOG_LEVEL, "error", "warn", "info", "debug", "trace");
    oneOf(Setting.LOG_ACCESS, "changes", "all");
    trustedProxies();
    String url = get(Setting.DATABASE_URL);
    if (!url.isEmpty() && !url.startsWith("jdbc:postgresql:")) {
      throw new InvalidConfiguration("database.url must be a jdbc:postgresql: URL, not '" + io.portcullis.metadata.Database.redactedUrl(url) + "'");
    }
    if (!url.isEmpty() && get(Setting.MASTER_KEY).isEmpty()) {
      throw new InvalidConfiguration("master-key is required with database.url: replicas must share it");
    }
  }

  public String get(Setting setting) {
    return values.get(setting);
  }

  private void oneOf(Setting setting, String... allowed) {
    String value = get(setting).toLowerCase(java.util.Locale.ROOT);
    if (!java.util.List.of(allowed).contains(value)) {
      throw new InvalidConfiguration(setting.key() + " must be one of " + String.join(", ", allowed)
          + ", not '" + get(setting) + "'");
    }
  }

  public io.portcullis.web.TrustedProxies trustedProxies() {
    try {
      return io.portcullis.web.TrustedProxies.parse(get(Setting.HTTP_TRUSTED_PROXIES));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfiguration(Setting.HTTP_TRUSTED_PROXIES.key() + ": " + e.getMessage());
    }
  }

  /** The address policy of an allowlist setting ({@code webhooks.allowed-networks}, {@code mirror.allowed-networks}). */
  public io.portcullis.shared.NetworkPolicy networkPolicy(Setting allowlist) {
    try {
      return new io.portcullis.shared.NetworkPolicy(allowlist.key(),
          io.portcullis.shared.IpNetwork.parseList(get(allowlist)));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfiguration(allowlist.key() + ": " + e.getMessage());
    }
  }

  /** Prefix of a secret setting's value sealed with the master key ({@code portcullis secret seal}). */
  public static final String SEALED_PREFIX = "sealed:";

  /**
   * A secret setting (a password, a client secret): either given as is, or sealed with the master key
   * so that configuration files and environments hold no plaintext secrets.
   */
  public String secret(Setting setting, SecretBox box) {
    String value = get(setting);
    if (!value.startsWith(SEALED_PREFIX)) {
      return value;
    }
    try {
      byte[] sealed = java.util.Base64.getDecoder().decode(value.substring(SEALED_PREFIX.length()));
      return new String(box.open(setting.key(), sealed), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException | SecretDecryptionException e) {
      throw new InvalidConfiguration(setting.key() + " is sealed with another master key or damaged");
    }
  }

  public InetSocketAddress listen() {
    String value = get(Setting.LISTEN);
    int colon = value.lastIndexOf(':');
    if (colon < 0) {
      throw new InvalidConfiguration("listen must be HOST:PORT, not '" + value + "'");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      int port = Integer.parseInt(value.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return InetSocketAddress.createUnresolved(host.isEmpty() ? "0.0.0.0" : host, port);
    } catch (NumberFormatException e) {
      throw new InvalidConfiguration("listen port must be 0-65535, not '" + value.substring(colon + 1) + "'");
    }
  }

  public Path dataDir() {
    String value = get(Setting.DATA_DIR);
    if (value.isBlank()) {
      throw new InvalidConfiguration("data-dir must not be empty");
    }
    return Path.of(value).toAbsolutePath().normalize();
  }

  public long longValue(Setting setting) {
    return positive(setting);
  }

  public Duration duration(Setting setting) {
    try {
      Duration d = Duration.parse(get(setting));
      if (d.isNegative() || d.isZero()) {
        throw new InvalidConfiguration(setting.key() + " must be positive");
      }
      return d;
    } catch (DateTimeParseException e) {
      throw new InvalidConfiguration(setting.key() + " must be an ISO-8601 duration such as PT5M, not '" + get(setting) + "'");
    }
  }

  private long positive(Setting setting) {
    try {
      long value = Long.parseLong(get(setting));
      if (value <= 0) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new InvalidConfiguration(setting.key() + " must be a positive integer, not '" + get(setting) + "'");
    }
  }
}
