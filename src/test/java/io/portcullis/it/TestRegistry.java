package io.portcullis.it;

import io.portcullis.app.Configuration;
import io.portcullis.app.Portcullis;
import io.portcullis.app.Setting;
import io.portcullis.auth.secret.InMemorySecretStore;
import io.portcullis.auth.secret.SecretBox;
import io.portcullis.auth.token.SigningKeys;
import io.portcullis.identity.Identity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** A real Portcullis started in this JVM on a free port, on the embedded database or PostgreSQL. */
final class TestRegistry implements AutoCloseable {
  static final String ADMIN = "admin";
  static final String ADMIN_PASSWORD = "integration-test-password";
  private static final String POSTGRES_MASTER_KEY = "integration-test-master-key-of-32-bytes";

  enum Backend { SQLITE, POSTGRES }

  private final Portcullis portcullis;
  private final String databaseUrl;
  final Path dataDir;
  final String host;

  private TestRegistry(Portcullis portcullis, Path dataDir, String databaseUrl) {
    this.portcullis = portcullis;
    this.dataDir = dataDir;
    this.databaseUrl = databaseUrl;
    this.host = "127.0.0.1:" + portcullis.port();
  }

  static TestRegistry start(Backend backend) throws Exception {
    return start(backend, Map.of());
  }

  /** A registry with extra settings (e.g. an LDAP directory). */
  static TestRegistry start(Backend backend, Map<Setting, String> extra) throws Exception {
    Path dataDir = Files.createTempDirectory("portcullis-it-");
    Map<Setting, String> settings = new EnumMap<>(Setting.class);
    settings.putAll(extra);
    settings.put(Setting.LISTEN, "127.0.0.1:0");
    settings.put(Setting.DATA_DIR, dataDir.toString());
    settings.put(Setting.ADMIN_PASSWORD, ADMIN_PASSWORD);
    settings.put(Setting.LOG_FORMAT, "text");
    String databaseUrl = null;
    if (backend == Backend.POSTGRES) {
      databaseUrl = postgresUrl();
      resetSchema(databaseUrl);
      settings.put(Setting.DATABASE_URL, databaseUrl);
      settings.put(Setting.MASTER_KEY, POSTGRES_MASTER_KEY);
    }
    Configuration config = Configuration.load(null, Map.of(), settings);
    ShiftedClock clock = new ShiftedClock();
    TestRegistry registry = new TestRegistry(Portcullis.start(config, System.out, clock), dataDir, databaseUrl);
    registry.clock = clock;
    return registry;
  }

  /** The server's clock: real time plus however far a test moved it on. */
  static final class ShiftedClock extends java.time.Clock {
    private volatile java.time.Duration shift = java.time.Duration.ZERO;

    void advance(java.time.Duration by) {
      shift = shift.plus(by);
    }

    @Override
    public java.time.Instant instant() {
      return java.time.Instant.now().plus(shift);
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException("the server runs on UTC");
    }
  }

  private ShiftedClock clock;

  /** Moves the server's time forward (expiries, lifetimes) without waiting. */
  void advanceClock(java.time.Duration by) {
    clock.advance(by);
  }

  /** The running server's identity services, to set up users, organizations and grants directly. */
  Identity identity() {
    return portcullis.identity();
  }

  /**
   * The running server's token signing keys, unsealed from its database with its master key: lets a
   * test mint tokens that differ from genuine ones only in the claim under test.
   */
  SigningKeys signingKeys() throws Exception {
    String url = databaseUrl != null ? databaseUrl
        : "jdbc:sqlite:" + dataDir.resolve("metadata/portcullis.db");
    byte[] masterKey = databaseUrl != null ? POSTGRES_MASTER_KEY.getBytes(StandardCharsets.UTF_8)
        : Files.readString(dataDir.resolve("master.key")).trim().getBytes(StandardCharsets.UTF_8);
    InMemorySecretStore copy = new InMemorySecretStore();
    try (var connection = DriverManager.getConnection(url);
        var query = connection.prepareStatement("SELECT value FROM secrets WHERE name = ?")) {
      query.setString(1, SigningKeys.SECRET_NAME);
      try (var rows = query.executeQuery()) {
        if (!rows.next()) {
          throw new IllegalStateException("the server has stored no signing keys");
        }
        copy.put(SigningKeys.SECRET_NAME, rows.getBytes(1));
      }
    }
    return SigningKeys.loadOrCreate(copy, new SecretBox(masterKey));
  }

  static String postgresUrl() {
    return io.portcullis.metadata.TestDatabase.postgresUrl();
  }

  private static void resetSchema(String url) throws Exception {
    try (var connection = DriverManager.getConnection(url); var statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS public CASCADE");
      statement.execute("CREATE SCHEMA public");
    }
  }

  String baseUrl() {
    return "http://" + host;
  }

  /** Runs the packaged {@code portcullis} command against this registry as the administrator. */
  Processes.Result cli(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
        Path.of("target/portcullis.jar").toAbsolutePath().toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--url", baseUrl()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("PORTCULLIS_PASSWORD", ADMIN_PASSWORD);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    return new Processes.Result(process.exitValue(), output);
  }

  RegistryClient admin() {
    return new RegistryClient(baseUrl(), ADMIN, ADMIN_PASSWORD);
  }

  @Override
  public void close() throws Exception {
    portcullis.close();
  }
}
