package io.portcullis.mirror.jdbc;

import io.portcullis.metadata.Tx;
import io.portcullis.mirror.Mirror;
import io.portcullis.mirror.MirrorRun;
import io.portcullis.mirror.MirrorStore;
import io.portcullis.mirror.PlatformFilter;
import io.portcullis.mirror.TagFilter;
import io.portcullis.mirror.TagTemplate;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RepositoryName;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Mirrors in {@code mirrors}, {@code mirror_runs}, {@code mirror_tags} and {@code mirror_pushed_blobs}. Glob lists are stored one per
 * line and platforms comma separated: neither can contain its separator.
 */
public final class JdbcMirrorStore implements MirrorStore {
  private static final String COLUMNS = "id, direction, target, registry, upstream_repository, namespace, "
      + "repository_filter, interval_ms, enabled, tag_include, tag_exclude, tag_regex, tag_semver, tag_newest, platforms, "
      + "tag_template, username, password_sealed IS NOT NULL, created_at, created_by, updated_at";
  private static final RowMapper<Mirror> MAPPER = (rs, ctx) -> new Mirror(rs.getLong(1),
      Mirror.Direction.fromWireName(rs.getString(2)), RepositoryName.of(rs.getString(3)), rs.getString(4),
      rs.getString(5), rs.getBoolean(6), rs.getString(7), Duration.ofMillis(rs.getLong(8)), rs.getBoolean(9),
      new TagFilter(lines(rs.getString(10)), lines(rs.getString(11)), rs.getString(12), rs.getString(13),
          rs.getInt(14)),
      new PlatformFilter(rs.getString(15).isEmpty() ? List.of() : Arrays.asList(rs.getString(15).split(","))),
      new TagTemplate(rs.getString(16)), rs.getString(17), rs.getBoolean(18), Instant.ofEpochMilli(rs.getLong(19)),
      rs.getString(20), Instant.ofEpochMilli(rs.getLong(21)));
  private static final String RUN_COLUMNS = "id, mirror_id, job_id, state, started_at, finished_at, waiting_until, "
      + "tags_seen, tags_selected, tags_added, tags_updated, tags_unchanged, tags_failed, repositories, blobs_mounted, "
      + "bytes, requests, budget_limit, budget_remaining, message";
  private static final RowMapper<MirrorRun> RUN_MAPPER = (rs, ctx) -> new MirrorRun(rs.getLong(1), rs.getLong(2),
      rs.getLong(3), rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)), instant(rs, 6), instant(rs, 7),
      new MirrorRun.Counts(rs.getInt(8), rs.getInt(9), rs.getInt(10), rs.getInt(11), rs.getInt(12), rs.getInt(13),
          rs.getInt(14), rs.getInt(15), rs.getLong(16), rs.getLong(17)),
      budget(rs), rs.getString(20));

  @Override
  public Optional<Long> insert(Tx tx, Mirror m, byte[] sealedPassword) {
    // Either unique index (one pull mirror per target, one push mirror per source and remote) refuses.
    return tx.handle().createQuery("INSERT INTO mirrors(direction, target, registry, upstream_repository, namespace, "
            + "repository_filter, interval_ms, enabled, tag_include, tag_exclude, tag_regex, tag_semver, tag_newest, "
            + "platforms, tag_template, username, password_sealed, created_at, created_by, updated_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id")
        .bind(0, m.direction().wireName()).bind(1, m.target().value()).bind(2, m.registry()).bind(3, m.repository())
        .bind(4, m.namespace()).bind(5, m.repositoryFilter()).bind(6, m.interval().toMillis()).bind(7, m.enabled())
        .bind(8, String.join("\n", m.tags().include())).bind(9, String.join("\n", m.tags().exclude()))
        .bind(10, m.tags().regex()).bind(11, m.tags().semver()).bind(12, m.tags().newest())
        .bind(13, String.join(",", m.platforms().platforms())).bind(14, m.tagTemplate().template())
        .bind(15, m.username()).bind(16, sealedPassword).bind(17, m.createdAt().toEpochMilli())
        .bind(18, m.createdBy()).bind(19, m.updatedAt().toEpochMilli())
        .mapTo(Long.class).findOne();
  }

  @Override
  public Optional<Mirror> find(Tx tx, long id) {
    return tx.handle().createQuery("SELECT " + COLUMNS + " FROM mirrors WHERE id = ?").bind(0, id).map(MAPPER)
        .findOne();
  }

  @Override
  public List<Mirror> withTarget(Tx tx, RepositoryName target) {
    return tx.handle().createQuery("SELECT " + COLUMNS + " FROM mirrors WHERE target = ? ORDER BY id")
        .bind(0, target.value()).map(MAPPER).list();
  }

  @Override
  public List<Mirror> page(Tx tx, long after, int limit) {
    return tx.handle().createQuery("SELECT " + COLUMNS + " FROM mirrors WHERE id > ? ORDER BY id LIMIT ?")
        .bind(0, after).bind(1, limit).map(MAPPER).list();
  }

  @Override
  public void update(Tx tx, Mirror m) {
    tx.handle().createUpdate("UPDATE mirrors SET registry = ?, upstream_repository = ?, repository_filter = ?, "
            + "interval_ms = ?, enabled = ?, tag_include = ?, tag_exclude = ?, tag_regex = ?, tag_semver = ?, "
            + "tag_newest = ?, platforms = ?, tag_template = ?, updated_at = ? WHERE id = ?")
        .bind(0, m.registry()).bind(1, m.repository()).bind(2, m.repositoryFilter()).bind(3, m.interval().toMillis())
        .bind(4, m.enabled()).bind(5, String.join("\n", m.tags().include()))
        .bind(6, String.join("\n", m.tags().exclude())).bind(7, m.tags().regex()).bind(8, m.tags().semver())
        .bind(9, m.tags().newest()).bind(10, String.join(",", m.platforms().platforms()))
        .bind(11, m.tagTemplate().template()).bind(12, m.updatedAt().toEpochMilli()).bind(13, m.id())
        .execute();
  }

  @Override
  public void updateCredentials(Tx tx, long id, String username, byte[] sealedPassword, Instant at) {
    tx.handle().createUpdate("UPDATE mirrors SET username = ?, password_sealed = ?, updated_at = ? WHERE id = ?")
        .bind(0, username).bind(1, sealedPassword).bind(2, at.toEpochMilli()).bind(3, id).execute();
  }

  @Override
  public Optional<byte[]> sealedPassword(Tx tx, long id) {
    return tx.handle().createQuery("SELECT password_sealed FROM mirrors WHERE id = ? AND password_sealed IS NOT NULL")
        .bind(0, id).mapTo(byte[].class).findOne();
  }

  @Override
  public boolean delete(Tx tx, long id) {
    tx.handle().createUpdate("DELETE FROM mirror_tags WHERE mirror_id = ?").bind(0, id).execute();
    tx.handle().createUpdate("DELETE FROM mirror_runs WHERE mirror_id = ?").bind(0, id).execute();
    return tx.handle().createUpdate("DELETE FROM mirrors WHERE id = ?").bind(0, id).execute() == 1;
  }

  @Override
  public long insertRun(Tx tx, long mirrorId, long jobId, Instant startedAt) {
    return tx.handle().createQuery("INSERT INTO mirror_runs(mirror_id, job_id, state, started_at) VALUES (?, ?, ?, ?) "
            + "RETURNING id")
        .bind(0, mirrorId).bind(1, jobId).bind(2, MirrorRun.RUNNING).bind(3, startedAt.toEpochMilli())
        .mapTo(Long.class).one();
  }

  @Override
  public int abandonRuns(Tx tx, long mirrorId, Instant at, String reason) {
    return tx.handle().createUpdate("UPDATE mirror_runs SET state = ?, finished_at = ?, waiting_until = NULL, "
            + "message = ? WHERE mirror_id = ? AND state IN (?, ?)")
        .bind(0, MirrorRun.FAILED).bind(1, at.toEpochMilli()).bind(2, reason).bind(3, mirrorId)
        .bind(4, MirrorRun.RUNNING).bind(5, MirrorRun.WAITING).execute();
  }

  @Override
  public void updateRun(Tx tx, MirrorRun r) {
    MirrorRun.Counts c = r.counts();
    tx.handle().createUpdate("UPDATE mirror_runs SET state = ?, finished_at = ?, waiting_until = ?, tags_seen = ?, "
            + "tags_selected = ?, tags_added = ?, tags_updated = ?, tags_unchanged = ?, tags_failed = ?, repositories = ?, "
            + "blobs_mounted = ?, bytes = ?, requests = ?, budget_limit = ?, budget_remaining = ?, message = ? "
            + "WHERE id = ?")
        .bind(0, r.state()).bind(1, millis(r.finishedAt())).bind(2, millis(r.waitingUntil())).bind(3, c.seen())
        .bind(4, c.selected()).bind(5, c.added()).bind(6, c.updated()).bind(7, c.unchanged()).bind(8, c.failed())
        .bind(9, c.repositories()).bind(10, c.mounted()).bind(11, c.bytes()).bind(12, c.requests())
        .bind(13, r.budget() == null ? null : r.budget().limit())
        .bind(14, r.budget() == null ? null : r.budget().remaining()).bind(15, r.message()).bind(16, r.id())
        .execute();
  }

  @Override
  public Optional<MirrorRun> run(Tx tx, long mirrorId, long runId) {
    return tx.handle().createQuery("SELECT " + RUN_COLUMNS + " FROM mirror_runs WHERE mirror_id = ? AND id = ?")
        .bind(0, mirrorId).bind(1, runId).map(RUN_MAPPER).findOne();
  }

  @Override
  public List<MirrorRun> runs(Tx tx, long mirrorId, long before, int limit) {
    return tx.handle().createQuery("SELECT " + RUN_COLUMNS + " FROM mirror_runs WHERE mirror_id = ? AND id < ? "
            + "ORDER BY id DESC LIMIT ?")
        .bind(0, mirrorId).bind(1, before).bind(2, limit).map(RUN_MAPPER).list();
  }

  @Override
  public Map<String, Copied> copied(Tx tx, long mirrorId, String repository) {
    Map<String, Copied> copied = new LinkedHashMap<>();
    tx.handle().createQuery("SELECT tag, upstream_digest, local_digest FROM mirror_tags WHERE mirror_id = ? "
            + "AND repository = ? ORDER BY tag")
        .bind(0, mirrorId).bind(1, repository)
        .map((rs, ctx) -> Map.entry(rs.getString(1), new Copied(Digest.parse(rs.getString(2)),
            Digest.parse(rs.getString(3)))))
        .forEach(e -> copied.put(e.getKey(), e.getValue()));
    return copied;
  }

  @Override
  public void recordCopied(Tx tx, long mirrorId, String repository, String tag, Copied copied, Instant at) {
    tx.handle().createUpdate("INSERT INTO mirror_tags(mirror_id, repository, tag, upstream_digest, local_digest, "
            + "copied_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (mirror_id, repository, tag) DO UPDATE SET "
            + "upstream_digest = excluded.upstream_digest, local_digest = excluded.local_digest, "
            + "copied_at = excluded.copied_at")
        .bind(0, mirrorId).bind(1, repository).bind(2, tag).bind(3, copied.upstream().toString())
        .bind(4, copied.local().toString()).bind(5, at.toEpochMilli()).execute();
  }

  @Override
  public Optional<String> pushedBlob(Tx tx, String registry, Digest digest, String except) {
    return tx.handle().createQuery("SELECT repository FROM mirror_pushed_blobs WHERE registry = ? AND digest = ? "
            + "AND repository <> ? ORDER BY pushed_at DESC LIMIT 1")
        .bind(0, registry).bind(1, digest.toString()).bind(2, except).mapTo(String.class).findOne();
  }

  @Override
  public void recordPushedBlob(Tx tx, String registry, String repository, Digest digest, Instant at) {
    tx.handle().createUpdate("INSERT INTO mirror_pushed_blobs(registry, digest, repository, pushed_at) "
            + "VALUES (?, ?, ?, ?) ON CONFLICT (registry, digest, repository) DO UPDATE SET pushed_at = "
            + "excluded.pushed_at")
        .bind(0, registry).bind(1, digest.toString()).bind(2, repository).bind(3, at.toEpochMilli()).execute();
  }

  private static List<String> lines(String text) {
    return text.isEmpty() ? List.of() : Arrays.asList(text.split("\n"));
  }

  private static MirrorRun.Budget budget(ResultSet rs) throws SQLException {
    long limit = rs.getLong(18);
    if (rs.wasNull()) {
      return null;
    }
    return new MirrorRun.Budget(limit, rs.getLong(19));
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(value);
  }

  private static Long millis(Instant at) {
    return at == null ? null : at.toEpochMilli();
  }
}
