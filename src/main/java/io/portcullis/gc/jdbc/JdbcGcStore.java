package io.portcullis.gc.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.gc.GcReport;
import io.portcullis.gc.GcRun;
import io.portcullis.gc.GcStore;
import io.portcullis.metadata.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

/** Garbage collection runs in {@code gc_runs}; the per-namespace figures as a JSON object. */
public final class JdbcGcStore implements GcStore {
  private static final String COLUMNS = "id, job_id, state, dry_run, delete_untagged, phase, requested_by, created_at, "
      + "started_at, finished_at, manifests, links, blobs, bytes, orphan_files, orphan_bytes, uploads, namespaces, "
      + "message";
  private static final TypeReference<Map<String, GcReport.Namespace>> NAMESPACES = new TypeReference<>() {};

  private final ObjectMapper json;
  private final RowMapper<GcRun> mapper;

  public JdbcGcStore(ObjectMapper json) {
    this.json = json;
    this.mapper = (rs, ctx) -> new GcRun(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getBoolean(4),
        rs.getBoolean(5), rs.getString(6), rs.getString(7), instant(rs, 8), instant(rs, 9), instant(rs, 10),
        new GcReport(rs.getLong(11), rs.getLong(12), rs.getLong(13), rs.getLong(14), rs.getLong(15), rs.getLong(16),
            rs.getLong(17), namespaces(rs.getString(18))), rs.getString(19));
  }

  @Override
  public boolean insertIfAbsent(Tx tx, long jobId, boolean dryRun, boolean deleteUntagged, String requestedBy,
      Instant at) {
    return tx.handle().createUpdate("INSERT INTO gc_runs(job_id, state, dry_run, delete_untagged, requested_by, "
            + "created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (job_id) DO NOTHING")
        .bind(0, jobId).bind(1, GcRun.QUEUED).bind(2, dryRun).bind(3, deleteUntagged).bind(4, requestedBy)
        .bind(5, at.toEpochMilli()).execute() == 1;
  }

  @Override
  public Optional<GcRun> findByJob(Tx tx, long jobId) {
    return tx.handle().createQuery("SELECT " + COLUMNS + " FROM gc_runs WHERE job_id = ?").bind(0, jobId)
        .map(mapper).findOne();
  }

  @Override
  public Optional<GcRun> find(Tx tx, long id) {
    return tx.handle().createQuery("SELECT " + COLUMNS + " FROM gc_runs WHERE id = ?").bind(0, id).map(mapper).findOne();
  }

  @Override
  public void update(Tx tx, GcRun r) {
    GcReport report = r.report();
    tx.handle().createUpdate("UPDATE gc_runs SET state = ?, phase = ?, started_at = ?, finished_at = ?, manifests = ?, "
            + "links = ?, blobs = ?, bytes = ?, orphan_files = ?, orphan_bytes = ?, uploads = ?, namespaces = ?, "
            + "message = ? WHERE id = ?")
        .bind(0, r.state()).bind(1, r.phase()).bind(2, millis(r.startedAt())).bind(3, millis(r.finishedAt()))
        .bind(4, report.manifests()).bind(5, report.links()).bind(6, report.blobs()).bind(7, report.bytes())
        .bind(8, report.orphanFiles()).bind(9, report.orphanBytes()).bind(10, report.uploads())
        .bind(11, write(report.namespaces())).bind(12, r.message()).bind(13, r.id()).execute();
  }

  @Override
  public int abandonOthers(Tx tx, long jobId, Instant at, String reason) {
    return tx.handle().createUpdate("UPDATE gc_runs SET state = ?, finished_at = ?, message = ? "
            + "WHERE job_id <> ? AND state IN (?, ?)")
        .bind(0, GcRun.FAILED).bind(1, at.toEpochMilli()).bind(2, reason).bind(3, jobId).bind(4, GcRun.QUEUED)
        .bind(5, GcRun.RUNNING).execute();
  }

  @Override
  public List<GcRun> list(Tx tx, long before, int limit) {
    return tx.handle().createQuery("SELECT " + COLUMNS + " FROM gc_runs WHERE id < ? ORDER BY id DESC LIMIT ?")
        .bind(0, before).bind(1, limit).map(mapper).list();
  }

  private String write(Map<String, GcReport.Namespace> namespaces) {
    try {
      return json.writeValueAsString(new java.util.TreeMap<>(namespaces));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("namespace figures are plain records", e);
    }
  }

  private Map<String, GcReport.Namespace> namespaces(String text) {
    try {
      return json.readValue(text, NAMESPACES);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("gc_runs.namespaces is not the JSON this store writes", e);
    }
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  private static Long millis(Instant at) {
    return at == null ? null : at.toEpochMilli();
  }
}
