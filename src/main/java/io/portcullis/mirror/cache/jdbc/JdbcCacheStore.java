package io.portcullis.mirror.cache.jdbc;

import io.portcullis.metadata.Tx;
import io.portcullis.mirror.cache.Cache;
import io.portcullis.mirror.cache.CacheStore;
import io.portcullis.mirror.cache.CacheUpstream;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RepositoryName;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

/** Caches in {@code caches}, {@code cache_upstreams}, {@code cache_tags} and {@code cache_manifests}. */
public final class JdbcCacheStore implements CacheStore {
  private static final String COLUMNS = "id, namespace, freshness_ms, created_at, created_by, updated_at";
  private static final String PENDING_COLUMNS = "repository, digest, media_type, payload, upstream, fetched_at";
  private static final RowMapper<CacheStore.Pending> PENDING = (rs, ctx) -> new CacheStore.Pending(
      RepositoryName.of(rs.getString(1)), Digest.parse(rs.getString(2)), rs.getString(3), rs.getBytes(4), rs.getInt(5),
      Instant.ofEpochMilli(rs.getLong(6)));

  private record Row(long id, String namespace, Duration freshness, Instant createdAt, String createdBy,
      Instant updatedAt) {}

  private static final RowMapper<Row> ROW = (rs, ctx) -> new Row(rs.getLong(1), rs.getString(2),
      Duration.ofMillis(rs.getLong(3)), Instant.ofEpochMilli(rs.getLong(4)), rs.getString(5),
      Instant.ofEpochMilli(rs.getLong(6)));

  @Override
  public Optional<Long> insert(Tx tx, Cache c) {
    return tx.handle().createQuery("INSERT INTO caches(namespace, freshness_ms, created_at, created_by, updated_at) "
            + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (namespace) DO NOTHING RETURNING id")
        .bind(0, c.namespace()).bind(1, c.freshness().toMillis()).bind(2, c.createdAt().toEpochMilli())
        .bind(3, c.createdBy()).bind(4, c.updatedAt().toEpochMilli()).mapTo(Long.class).findOne();
  }

  @Override
  public Optional<Cache> find(Tx tx, long id) {
    return tx.handle().createQuery("SELECT " + COLUMNS + " FROM caches WHERE id = ?").bind(0, id).map(ROW).findOne()
        .map(row -> withUpstreams(row, upstreams(tx, row.id())));
  }

  @Override
  public List<Cache> all(Tx tx) {
    List<Row> rows = tx.handle().createQuery("SELECT " + COLUMNS + " FROM caches ORDER BY id").map(ROW).list();
    Map<Long, List<CacheUpstream>> upstreams = new LinkedHashMap<>();
    tx.handle().createQuery("SELECT cache_id, registry, prefix, username, password_sealed IS NOT NULL "
            + "FROM cache_upstreams ORDER BY cache_id, position")
        .map((rs, ctx) -> Map.entry(rs.getLong(1), new CacheUpstream(rs.getString(2), rs.getString(3),
            rs.getString(4), rs.getBoolean(5))))
        .forEach(e -> upstreams.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    return rows.stream().map(row -> withUpstreams(row, upstreams.getOrDefault(row.id(), List.of()))).toList();
  }

  private static List<CacheUpstream> upstreams(Tx tx, long cacheId) {
    return tx.handle().createQuery("SELECT registry, prefix, username, password_sealed IS NOT NULL "
            + "FROM cache_upstreams WHERE cache_id = ? ORDER BY position")
        .bind(0, cacheId)
        .map((rs, ctx) -> new CacheUpstream(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4)))
        .list();
  }

  private static Cache withUpstreams(Row row, List<CacheUpstream> upstreams) {
    return new Cache(row.id(), row.namespace(), row.freshness(), upstreams, row.createdAt(), row.createdBy(),
        row.updatedAt());
  }

  @Override
  public void update(Tx tx, Cache c) {
    tx.handle().createUpdate("UPDATE caches SET freshness_ms = ?, updated_at = ? WHERE id = ?")
        .bind(0, c.freshness().toMillis()).bind(1, c.updatedAt().toEpochMilli()).bind(2, c.id()).execute();
  }

  @Override
  public void replaceUpstreams(Tx tx, long cacheId, List<CacheUpstream> upstreams, List<byte[]> sealedPasswords) {
    tx.handle().createUpdate("DELETE FROM cache_upstreams WHERE cache_id = ?").bind(0, cacheId).execute();
    for (int i = 0; i < upstreams.size(); i++) {
      CacheUpstream u = upstreams.get(i);
      tx.handle().createUpdate("INSERT INTO cache_upstreams(cache_id, position, registry, prefix, username, "
              + "password_sealed) VALUES (?, ?, ?, ?, ?, ?)")
          .bind(0, cacheId).bind(1, i).bind(2, u.registry()).bind(3, u.prefix()).bind(4, u.username())
          .bind(5, sealedPasswords.get(i)).execute();
    }
  }

  @Override
  public Optional<byte[]> sealedPassword(Tx tx, long cacheId, int position) {
    return tx.handle().createQuery("SELECT password_sealed FROM cache_upstreams WHERE cache_id = ? AND position = ? "
            + "AND password_sealed IS NOT NULL")
        .bind(0, cacheId).bind(1, position).mapTo(byte[].class).findOne();
  }

  @Override
  public boolean delete(Tx tx, long cacheId) {
    for (String table : List.of("cache_manifests", "cache_tags", "cache_upstreams")) {
      tx.handle().createUpdate("DELETE FROM " + table + " WHERE cache_id = ?").bind(0, cacheId).execute();
    }
    return tx.handle().createUpdate("DELETE FROM caches WHERE id = ?").bind(0, cacheId).execute() == 1;
  }

  @Override
  public Optional<CachedTag> tag(Tx tx, RepositoryName repository, String tag) {
    return tx.handle().createQuery("SELECT digest, checked_at FROM cache_tags WHERE repository = ? AND tag = ?")
        .bind(0, repository.value()).bind(1, tag)
        .map((rs, ctx) -> new CachedTag(Digest.parse(rs.getString(1)), Instant.ofEpochMilli(rs.getLong(2))))
        .findOne();
  }

  @Override
  public void putTag(Tx tx, long cacheId, RepositoryName repository, String tag, Digest digest, Instant at) {
    tx.handle().createUpdate("INSERT INTO cache_tags(cache_id, repository, tag, digest, checked_at) "
            + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (repository, tag) DO UPDATE SET cache_id = excluded.cache_id, "
            + "digest = excluded.digest, checked_at = excluded.checked_at")
        .bind(0, cacheId).bind(1, repository.value()).bind(2, tag).bind(3, digest.toString())
        .bind(4, at.toEpochMilli()).execute();
  }

  @Override
  public List<String> tagsAt(Tx tx, RepositoryName repository, Digest digest) {
    return tx.handle().createQuery("SELECT tag FROM cache_tags WHERE repository = ? AND digest = ? ORDER BY tag")
        .bind(0, repository.value()).bind(1, digest.toString()).mapTo(String.class).list();
  }

  @Override
  public Optional<Pending> pending(Tx tx, RepositoryName repository, Digest digest) {
    return tx.handle().createQuery("SELECT " + PENDING_COLUMNS + " FROM cache_manifests WHERE repository = ? "
            + "AND digest = ?")
        .bind(0, repository.value()).bind(1, digest.toString()).map(PENDING).findOne();
  }

  @Override
  public List<Pending> pendingIn(Tx tx, RepositoryName repository) {
    return tx.handle().createQuery("SELECT " + PENDING_COLUMNS + " FROM cache_manifests WHERE repository = ? "
            + "ORDER BY fetched_at, digest")
        .bind(0, repository.value()).map(PENDING).list();
  }

  @Override
  public void putPending(Tx tx, long cacheId, Pending p) {
    tx.handle().createUpdate("INSERT INTO cache_manifests(cache_id, " + PENDING_COLUMNS + ") "
            + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (repository, digest) DO NOTHING")
        .bind(0, cacheId).bind(1, p.repository().value()).bind(2, p.digest().toString()).bind(3, p.mediaType())
        .bind(4, p.payload()).bind(5, p.upstream()).bind(6, p.fetchedAt().toEpochMilli()).execute();
  }

  @Override
  public boolean deletePending(Tx tx, RepositoryName repository, Digest digest) {
    return tx.handle().createUpdate("DELETE FROM cache_manifests WHERE repository = ? AND digest = ?")
        .bind(0, repository.value()).bind(1, digest.toString()).execute() == 1;
  }

  @Override
  public void forget(Tx tx, RepositoryName repository) {
    tx.handle().createUpdate("DELETE FROM cache_manifests WHERE repository = ?").bind(0, repository.value()).execute();
    tx.handle().createUpdate("DELETE FROM cache_tags WHERE repository = ?").bind(0, repository.value()).execute();
  }
}
