package io.portcullis.retention.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.metadata.Tx;
import io.portcullis.policy.Criterion;
import io.portcullis.policy.PolicyDefinition;
import io.portcullis.retention.RetentionPolicy;
import io.portcullis.retention.RetentionStore;
import io.portcullis.shared.RepositoryName;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

/** Pruning policies in {@code retention_policies}; a glob cannot contain a line break, the separator. */
public final class JdbcRetentionStore implements RetentionStore {
  private static final String COLUMNS = "repository, tag_include, tag_exclude, keep_newest, older_than_ms, after_push, "
      + "interval_ms, enabled, updated_at, updated_by, criteria";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final RowMapper<RetentionPolicy> MAPPER = (rs, ctx) -> new RetentionPolicy(
      RepositoryName.of(rs.getString(1)), lines(rs.getString(2)), lines(rs.getString(3)), rs.getInt(4),
      duration(rs, 5), criteria(rs.getString(11)), rs.getBoolean(6), duration(rs, 7),
      rs.getBoolean(8), Instant.ofEpochMilli(rs.getLong(9)), rs.getString(10));

  @Override
  public Optional<RetentionPolicy> find(Tx tx, RepositoryName repository) {
    return tx.handle().createQuery("SELECT " + COLUMNS + " FROM retention_policies WHERE repository = ?")
        .bind(0, repository.value()).map(MAPPER).findOne();
  }

  @Override
  public void put(Tx tx, RetentionPolicy p) {
    tx.handle().createUpdate("INSERT INTO retention_policies(" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (repository) DO UPDATE SET tag_include = excluded.tag_include, "
            + "tag_exclude = excluded.tag_exclude, keep_newest = excluded.keep_newest, "
            + "older_than_ms = excluded.older_than_ms, after_push = excluded.after_push, "
            + "interval_ms = excluded.interval_ms, enabled = excluded.enabled, updated_at = excluded.updated_at, "
            + "updated_by = excluded.updated_by, criteria = excluded.criteria")
        .bind(0, p.repository().value()).bind(1, String.join("\n", p.include()))
        .bind(2, String.join("\n", p.exclude())).bind(3, p.keepNewest())
        .bind(4, p.olderThan() == null ? null : p.olderThan().toMillis()).bind(5, p.afterPush())
        .bind(6, p.interval() == null ? null : p.interval().toMillis()).bind(7, p.enabled())
        .bind(8, p.updatedAt().toEpochMilli()).bind(9, p.updatedBy())
        .bind(10, PolicyDefinition.criteriaJson(p.criteria(), JSON).toString()).execute();
  }

  @Override
  public boolean delete(Tx tx, RepositoryName repository) {
    return tx.handle().createUpdate("DELETE FROM retention_policies WHERE repository = ?")
        .bind(0, repository.value()).execute() == 1;
  }

  private static List<Criterion> criteria(String stored) {
    try {
      return PolicyDefinition.criteria(JSON.readTree(stored));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored pruning criteria are not JSON", e);
    }
  }

  private static List<String> lines(String text) {
    return text.isEmpty() ? List.of() : Arrays.asList(text.split("\n"));
  }

  private static Duration duration(ResultSet rs, int column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? null : Duration.ofMillis(millis);
  }
}
