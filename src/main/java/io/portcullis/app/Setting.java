package io.portcullis.app;

/**
 * Every configuration setting: its key in the config file, its environment variable
 * ({@code PORTCULLIS_} + key in upper case with dots and dashes as underscores), default and meaning.
 * docs/configuration.md lists the same table.
 */
public enum Setting {
  LISTEN("listen", "0.0.0.0:5000", "address and port to listen on (HOST:PORT)"),
  DATA_DIR("data-dir", "./data", "directory for the embedded database, blobs and uploads"),
  PUBLIC_URL("public-url", "", "external base URL (https://registry.example.com); derived from requests when empty"),
  DATABASE_URL("database.url", "", "JDBC URL of PostgreSQL; empty for the embedded SQLite database"),
  DATABASE_USER("database.user", "", "PostgreSQL user"),
  DATABASE_PASSWORD("database.password", "", "PostgreSQL password"),
  DATABASE_POOL_SIZE("database.pool-size", "16", "PostgreSQL connections per replica"),
  TLS_CERTIFICATE("tls.certificate", "", "PEM file with the server certificate chain; enables TLS with tls.key"),
  TLS_KEY("tls.key", "", "PEM file with the server's private key (PKCS#8, PKCS#1 or SEC1)"),
  AUTH_SERVICE("auth.service", "portcullis", "service name in token challenges and the tokens' audience"),
  AUTH_ISSUER("auth.issuer", "portcullis", "issuer of registry tokens"),
  AUTH_TOKEN_TTL("auth.token-ttl", "PT5M", "lifetime of registry tokens (ISO-8601 duration)"),
  ADMIN_USERNAME("admin.username", "admin", "name of the bootstrap administrator"),
  ADMIN_PASSWORD("admin.password", "", "bootstrap administrator's password on first start; generated and printed once when empty"),
  MASTER_KEY("master-key", "", "secret that encrypts stored secrets; kept in DATA_DIR/master.key when empty (embedded only)"),
  MAX_BLOB_BYTES("limits.max-blob-bytes", "107374182400", "largest blob an upload may create"),
  UPLOAD_EXPIRY("uploads.expiry", "PT24H", "idle time after which an unfinished upload is discarded"),
  LDAP_URL("ldap.url", "", "LDAP/AD server URL(s), comma separated (ldap:// or ldaps://); empty disables LDAP"),
  LDAP_START_TLS("ldap.start-tls", "false", "upgrade ldap:// connections with StartTLS"),
  LDAP_BIND_DN("ldap.bind-dn", "", "service account that searches for users"),
  LDAP_BIND_PASSWORD("ldap.bind-password", "", "service account password"),
  LDAP_USER_SEARCH_BASE("ldap.user-search-base", "", "where users are searched (e.g. ou=people,dc=example,dc=org)"),
  LDAP_USER_SEARCH_FILTER("ldap.user-search-filter", "", "user filter, {0} is the escaped login name; default (uid={0})"),
  LDAP_SYNC_INTERVAL("ldap.sync-interval", "PT1H", "how often LDAP users and their group-mapped teams are refreshed"),
  OIDC_ISSUER("oidc.issuer", "", "OpenID provider issuer URL; empty disables OpenID Connect sign-in"),
  OIDC_CLIENT_ID("oidc.client-id", "", "client id registered at the provider"),
  OIDC_CLIENT_SECRET("oidc.client-secret", "", "client secret registered at the provider"),
  OIDC_REDIRECT_URI("oidc.redirect-uri", "", "callback URL registered at the provider; default PUBLIC_URL/api/v1/auth/oidc/callback"),
  MIRROR_PROXY("mirror.proxy", "", "HTTP proxy (http://HOST:PORT) for every request to mirrored upstreams; empty for direct"),
  MIRROR_CA_FILE("mirror.ca-file", "", "PEM file of CA certificates trusted for upstreams besides the JDK's"),
  MIRROR_CONNECT_TIMEOUT("mirror.connect-timeout", "PT10S", "longest wait for a connection to an upstream"),
  MIRROR_READ_TIMEOUT("mirror.read-timeout", "PT60S", "longest wait for an upstream's response headers"),
  MIRROR_TRANSFERS("mirror.transfers", "4", "tags a mirror run copies at once, and blobs it downloads at once"),
  MIRROR_ALLOWED_NETWORKS("mirror.allowed-networks", "", "networks (addresses or CIDR, comma separated) mirrors may reach although loopback, private, link-local or metadata addresses"),
  GC_INTERVAL("gc.interval", "P1D", "how often garbage collection runs; empty: only when asked"),
  GC_GRACE("gc.grace", "PT1H", "how old an unreferenced blob link, untagged manifest or orphaned file must be before garbage collection removes it"),
  GC_DELETE_UNTAGGED("gc.delete-untagged", "false", "whether scheduled garbage collection (and runs that do not say) deletes untagged manifests no tagged manifest needs"),
  JOBS_CONCURRENCY("jobs.concurrency", "2", "background jobs (scans, imports) run at once per replica"),
  WEBHOOKS_ALLOWED_NETWORKS("webhooks.allowed-networks", "", "networks (addresses or CIDR, comma separated) webhooks may reach although loopback, private, link-local or metadata addresses"),
  WEBHOOKS_TIMEOUT("webhooks.timeout", "PT10S", "how long a webhook delivery may take to connect, and then to get its answer"),
  WEBHOOKS_RETRY_HORIZON("webhooks.retry-horizon", "PT24H", "how long a failing webhook delivery is retried; a webhook failing this long is disabled"),
  WEBHOOKS_CONCURRENCY("webhooks.concurrency", "32", "webhook deliveries sent at once per replica"),
  WEBHOOKS_SECRET_OVERLAP("webhooks.secret-overlap", "PT24H", "how long a rotated webhook secret keeps signing next to the new one"),
  WEBHOOKS_RETENTION("webhooks.retention", "P30D", "how long finished webhook deliveries stay in the delivery log"),
  HTTP_TRUSTED_PROXIES("http.trusted-proxies", "", "addresses or CIDR networks of reverse proxies whose X-Forwarded-For names the client, comma separated"),
  LOG_FORMAT("log.format", "json", "json (structured) or text"),
  LOG_LEVEL("log.level", "info", "error, warn, info, debug or trace; reloaded on SIGHUP"),
  LOG_ACCESS("log.access", "changes", "access log: changes (writes and refusals) or all (every request, pulls too)");

  private final String key;
  private final String defaultValue;
  private final String description;

  Setting(String key, String defaultValue, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  public String key() {
    return key;
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  public String environmentVariable() {
    return "PORTCULLIS_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** Settings whose values are secrets: they may be given sealed ({@code portcullis secret-seal}). */
  public boolean isSecret() {
    return this == DATABASE_PASSWORD || this == LDAP_BIND_PASSWORD || this == OIDC_CLIENT_SECRET;
  }

  static Setting byKey(String key) {
    for (Setting s : values()) {
      if (s.key.equals(key)) {
        return s;
      }
    }
    return null;
  }
}
