package io.portcullis.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * V11 rebuilds the mirror tables (SQLite cannot drop V10's UNIQUE(target)): mirrors, runs and
 * copied tags written under V10 survive with their ids, new rows get ids after them on both
 * databases, and the rebuilt foreign keys still cascade.
 */
class MirrorTablesMigrationTest {
  @Test
  void sqlite() throws Exception {
    Path dir = Files.createTempDirectory("portcullis-migration-");
    check("jdbc:sqlite:" + dir.resolve("m.db") + "?foreign_keys=true", Database.Dialect.SQLITE);
  }

  @Test
  void postgres() throws Exception {
    String url = TestDatabase.postgresUrl();
    String schema = "test_mig_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
    execute(url, "CREATE SCHEMA " + schema);
    try {
      check(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema, Database.Dialect.POSTGRESQL);
    } finally {
      execute(url, "DROP SCHEMA " + schema + " CASCADE");
    }
  }

  private static void check(String url, Database.Dialect dialect) throws SQLException {
    flyway(url, dialect).target("10").load().migrate();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("INSERT INTO mirrors(target, registry, upstream_repository, interval_ms, enabled, tag_include, "
          + "tag_exclude, tag_newest, platforms, tag_template, created_at, created_by, updated_at) VALUES "
          + "('hub/a', 'docker.io', 'alpine', 1, TRUE, '', '', 0, '', '{tag}', 1, 'x', 1), "
          + "('hub/b', 'docker.io', 'b', 1, TRUE, '', '', 0, '', '{tag}', 1, 'x', 1)");
      s.execute("INSERT INTO mirror_runs(mirror_id, job_id, state, started_at) VALUES (2, 5, 'succeeded', 1)");
      s.execute("INSERT INTO mirror_tags VALUES (2, '1.0', 'sha256:aa', 'sha256:bb', 1)");
    }
    flyway(url, dialect).load().migrate();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      assertThat(one(s, "SELECT COUNT(*) FROM mirrors WHERE direction = 'pull' AND NOT namespace")).isEqualTo(2);
      assertThat(one(s, "SELECT COUNT(*) FROM mirror_tags WHERE mirror_id = 2 AND repository = ''")).isEqualTo(1);
      assertThat(one(s, "INSERT INTO mirrors(direction, namespace, target, registry, upstream_repository, interval_ms, "
          + "enabled, tag_include, tag_exclude, tag_newest, platforms, tag_template, created_at, created_by, updated_at) "
          + "VALUES ('push', FALSE, 'hub/a', 'x', 'y', 1, TRUE, '', '', 0, '', '{tag}', 1, 'x', 1) RETURNING id"))
          .as("after the copied ids").isEqualTo(3);
      assertThat(one(s, "INSERT INTO mirror_runs(mirror_id, job_id, state, started_at) VALUES (3, 6, 'running', 1) "
          + "RETURNING id")).isEqualTo(2);
      s.execute("DELETE FROM mirrors WHERE id = 2");
      assertThat(one(s, "SELECT COUNT(*) FROM mirror_runs")).as("its run went with it").isEqualTo(1);
      assertThat(one(s, "SELECT COUNT(*) FROM mirror_tags")).isZero();
    }
  }

  private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(String url, Database.Dialect dialect) {
    return Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration")
        .placeholders(dialect.placeholders());
  }

  private static long one(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void execute(String url, String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
