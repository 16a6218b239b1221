package io.portcullis.quota.jdbc;

import io.portcullis.metadata.Tx;
import io.portcullis.quota.Quota;
import io.portcullis.quota.QuotaStore;
import io.portcullis.shared.Digest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Quotas in {@code quotas}; usage read from the registry's {@code repository_blobs} and {@code blobs}
 * (read only: the registry owns them). A namespace's repositories are {@code ns} itself and the
 * names from {@code ns/} up to, not including, {@code ns0} ('0' follows '/'), a range of the links'
 * primary key.
 */
public final class JdbcQuotaStore implements QuotaStore {
  private static final String COLUMNS = "namespace, limit_bytes, warn_percent, updated_at, updated_by";
  private static final RowMapper<Quota> MAPPER = (rs, ctx) -> new Quota(rs.getString(1), rs.getLong(2), rs.getInt(3),
      Instant.ofEpochMilli(rs.getLong(4)), rs.getString(5));
  private static final String IN_NAMESPACE = "(rb.repository = ? OR (rb.repository >= ? AND rb.repository < ?))";

  @Override
  public Optional<Quota> find(Tx tx, String namespace) {
    return find(tx, namespace, "");
  }

  @Override
  public Optional<Quota> lock(Tx tx, String namespace) {
    return find(tx, namespace, tx.dialect().forUpdate());
  }

  private static Optional<Quota> find(Tx tx, String namespace, String lock) {
    return tx.handle().createQuery("SELECT " + COLUMNS + " FROM quotas WHERE namespace = ?" + lock)
        .bind(0, namespace).map(MAPPER).findOne();
  }

  @Override
  public void put(Tx tx, Quota q) {
    tx.handle().createUpdate("INSERT INTO quotas(" + COLUMNS + ") VALUES (?, ?, ?, ?, ?) ON CONFLICT (namespace) "
            + "DO UPDATE SET limit_bytes = excluded.limit_bytes, warn_percent = excluded.warn_percent, "
            + "updated_at = excluded.updated_at, updated_by = excluded.updated_by")
        .bind(0, q.namespace()).bind(1, q.limitBytes()).bind(2, q.warnPercent()).bind(3, q.updatedAt().toEpochMilli())
        .bind(4, q.updatedBy()).execute();
  }

  @Override
  public boolean delete(Tx tx, String namespace) {
    return tx.handle().createUpdate("DELETE FROM quotas WHERE namespace = ?").bind(0, namespace).execute() == 1;
  }

  @Override
  public List<Quota> page(Tx tx, String after, int limit) {
    return tx.handle().createQuery("SELECT " + COLUMNS + " FROM quotas WHERE namespace > ? ORDER BY namespace LIMIT ?")
        .bind(0, after).bind(1, limit).map(MAPPER).list();
  }

  @Override
  public Used used(Tx tx, String namespace) {
    return tx.handle().createQuery("SELECT COUNT(*), COALESCE(SUM(b.size), 0) FROM blobs b WHERE b.digest IN "
            + "(SELECT rb.digest FROM repository_blobs rb WHERE " + IN_NAMESPACE + ")")
        .bind(0, namespace).bind(1, namespace + "/").bind(2, namespace + "0")
        .map((rs, ctx) -> new Used(rs.getLong(2), rs.getLong(1))).one();
  }

  @Override
  public boolean linked(Tx tx, String namespace, Digest digest) {
    return tx.handle().createQuery("SELECT 1 FROM repository_blobs rb WHERE rb.digest = ? AND " + IN_NAMESPACE
            + " LIMIT 1")
        .bind(0, digest.toString()).bind(1, namespace).bind(2, namespace + "/").bind(3, namespace + "0")
        .mapTo(Integer.class).findOne().isPresent();
  }
}
