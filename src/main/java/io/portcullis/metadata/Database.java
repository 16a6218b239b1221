package io.portcullis.metadata;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The metadata database: SQLite in the data directory by default, PostgreSQL when a JDBC URL is
 * configured. One schema (Flyway migrations with dialect placeholders) and one code path for both.
 *
 * <p>SQLite allows one writer at a time, so writes go through a single connection (no busy retries,
 * FIFO fairness from the pool) while reads use a pool; commits are durable (WAL, synchronous=FULL).
 */
public final class Database implements AutoCloseable {
  private final Dialect dialect;
  private final HikariDataSource writePool;
  private final HikariDataSource readPool;
  private final Jdbi writer;
  private final Jdbi reader;

  private Database(Dialect dialect, HikariDataSource writePool, HikariDataSource readPool) {
    this.dialect = dialect;
    this.writePool = writePool;
    this.readPool = readPool;
    this.writer = Jdbi.create(writePool);
    this.reader = readPool == writePool ? writer : Jdbi.create(readPool);
  }

  /** Opens the embedded database file under {@code dataDir}. */
  public static Database embedded(Path dataDir) throws java.io.IOException {
    Path dir = Files.createDirectories(dataDir.resolve("metadata"));
    String url = "jdbc:sqlite:" + dir.resolve("portcullis.db");
    HikariDataSource write = pool(url, null, null, 1, "sqlite-write", true);
    HikariDataSource read = pool(url, null, null, 8, "sqlite-read", false);
    Database db = new Database(Dialect.SQLITE, write, read);
    db.migrate();
    return db;
  }

  /** Connects to PostgreSQL at {@code url}. */
  /** The database cannot be reached or refuses the credentials; the message is one line, without secrets. */
  public static final class UnavailableException extends RuntimeException {
    UnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * A database URL as it may be shown: scheme, host, port and database only. The rest can hold a
   * password (user:password@, ?password=), and error lines end up in logs and terminals.
   */
  public static String redactedUrl(String url) {
    return url.replaceAll("[?;].*$", "").replaceAll("//[^/@]*@", "//");
  }

  /** @throws UnavailableException when no connection can be made */
  public static Database postgres(String url, String user, String password, int poolSize) {
    HikariDataSource pool;
    try {
      pool = pool(url, user, password, poolSize, "postgres", false);
    } catch (RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      throw new UnavailableException("cannot connect to PostgreSQL at " + redactedUrl(url)
          + ": " + String.valueOf(root.getMessage()).lines().findFirst().orElse(""), e);
    }
    Database db = new Database(Dialect.POSTGRESQL, pool, pool);
    db.migrate();
    return db;
  }

  private static HikariDataSource pool(String url, String user, String password, int size, String name,
      boolean writer) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setPoolName(name);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(Math.min(size, 2));
    config.setConnectionTimeout(60_000);
    if (user != null) {
      config.setUsername(user);
    }
    if (password != null) {
      config.setPassword(password);
    }
    if (url.startsWith("jdbc:sqlite:")) {
      config.addDataSourceProperty("journal_mode", "WAL");
      config.addDataSourceProperty("synchronous", "FULL");
      config.addDataSourceProperty("foreign_keys", "true");
      config.addDataSourceProperty("busy_timeout", "30000");
      config.addDataSourceProperty("transaction_mode", writer ? "IMMEDIATE" : "DEFERRED");
    }
    return new HikariDataSource(config);
  }

  private void migrate() {
    Flyway.configure()
        .dataSource(writePool)
        .locations("classpath:db/migration")
        .placeholders(dialect.placeholders())
        .load()
        .migrate();
  }

  public Dialect dialect() {
    return dialect;
  }

  /** Runs {@code work} in one atomic, durable transaction. */
  public <T, X extends Exception> T inTransaction(Work<T, X> work) throws X {
    return writer.inTransaction(h -> work.run(new Tx(h, dialect)));
  }

  /** Runs read-only {@code work}; sees committed data. */
  public <T, X extends Exception> T readOnly(Work<T, X> work) throws X {
    return reader.withHandle(h -> work.run(new Tx(h, dialect)));
  }

  /** Answers a trivial query on a pooled connection; throws when the database cannot be used. */
  public void ping() {
    reader.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
  }

  /** Work done in a transaction. */
  @FunctionalInterface
  public interface Work<T, X extends Exception> {
    T run(Tx tx) throws X;
  }

  @Override
  public void close() {
    if (readPool != writePool) {
      readPool.close();
    }
    writePool.close();
  }

  /** The differences between the supported databases, in one place. */
  public enum Dialect {
    // mirrors_id_resync: V11 copies mirrors and their runs with their ids into a new table; SQLite's AUTOINCREMENT
    // follows explicit ids, a PostgreSQL identity must be told where to go on.
    SQLITE(Map.of("name", "TEXT", "bytes", "BLOB", "id", "INTEGER PRIMARY KEY AUTOINCREMENT",
        "mirrors_id_resync", "SELECT 1"), "", "", ""),
    POSTGRESQL(Map.of("name", "TEXT COLLATE \"C\"", "bytes", "BYTEA",
        "id", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "mirrors_id_resync",
        "SELECT setval(pg_get_serial_sequence('mirrors', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM mirrors), false);\n"
            + "SELECT setval(pg_get_serial_sequence('mirror_runs', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM mirror_runs), "
            + "false)"),
        " FOR UPDATE", " FOR SHARE",
        " FOR UPDATE SKIP LOCKED");

    private final Map<String, String> placeholders;
    private final String forUpdate;
    private final String forShare;
    private final String skipLocked;

    Dialect(Map<String, String> placeholders, String forUpdate, String forShare, String skipLocked) {
      this.placeholders = placeholders;
      this.forUpdate = forUpdate;
      this.forShare = forShare;
      this.skipLocked = skipLocked;
    }

    /** Suffix that claims selected rows, skipping those another transaction holds (work queues). */
    public String forUpdateSkipLocked() {
      return skipLocked;
    }

    Map<String, String> placeholders() {
      return placeholders;
    }

    /** Suffix that locks selected rows until commit (SQLite's single writer already excludes others). */
    public String forUpdate() {
      return forUpdate;
    }

    /** Suffix that keeps selected rows from being deleted or changed until commit. */
    public String forShare() {
      return forShare;
    }
  }
}
