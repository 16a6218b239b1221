package io.portcullis.metadata;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Assumptions;

/**
 * The database domain tests run on: embedded SQLite in a temporary directory, or PostgreSQL
 * ({@code PORTCULLIS_TEST_POSTGRES_URL}, set by bin/test) in a schema of its own that is dropped
 * afterwards, so the shared database's {@code public} schema is never touched.
 */
public final class TestDatabase implements AutoCloseable {
  public final Database db;
  private final String adminUrl;
  private final String schema;
  /** Where {@link #connectAgain} connects: the SQLite data directory or the PostgreSQL schema's URL. */
  private final Path dir;
  private final String schemaUrl;

  private TestDatabase(Database db, String adminUrl, String schema, Path dir, String schemaUrl) {
    this.db = db;
    this.adminUrl = adminUrl;
    this.schema = schema;
    this.dir = dir;
    this.schemaUrl = schemaUrl;
  }

  public static TestDatabase sqlite(Path dir) throws java.io.IOException {
    return new TestDatabase(Database.embedded(dir), null, null, dir, null);
  }

  /**
   * A second, independent connection pool on the same database, as another replica would have; the
   * caller closes it before this.
   */
  public Database connectAgain() throws java.io.IOException {
    return schemaUrl == null ? Database.embedded(dir) : Database.postgres(schemaUrl, null, null, 4);
  }

  /**
   * PostgreSQL from bin/test ({@code PORTCULLIS_TEST_POSTGRES_URL}): required in CI (one clear failure),
   * skipped when a test is run by hand without it. The one place every PostgreSQL-backed test asks.
   */
  public static String postgresUrl() {
    String url = System.getenv("PORTCULLIS_TEST_POSTGRES_URL");
    if (url == null || url.isBlank()) {
      if (System.getenv("CI") != null) {
        throw new IllegalStateException("PORTCULLIS_TEST_POSTGRES_URL is not set: run the tests with bin/test");
      }
      Assumptions.abort("PostgreSQL not configured (run bin/test)");
    }
    return url;
  }

  public static TestDatabase postgres() throws SQLException {
    String url = postgresUrl();
    String schema = "test_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
    execute(url, "CREATE SCHEMA " + schema);
    String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    return new TestDatabase(Database.postgres(schemaUrl, null, null, 4), url, schema, null, schemaUrl);
  }

  @Override
  public void close() throws SQLException {
    db.close();
    if (schema != null) {
      execute(adminUrl, "DROP SCHEMA " + schema + " CASCADE");
    }
  }

  private static void execute(String url, String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
