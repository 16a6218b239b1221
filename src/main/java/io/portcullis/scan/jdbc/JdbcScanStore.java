package io.portcullis.scan.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.metadata.Tx;
import io.portcullis.scan.ImageScan;
import io.portcullis.scan.ScanStore;
import io.portcullis.scan.inventory.LayerInventory;
import io.portcullis.scan.match.Finding;
import io.portcullis.scan.match.SeverityCounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/** Image scans in {@code image_scans} (lists as JSON), layer inventories in {@code layer_inventories}. */
public final class JdbcScanStore implements ScanStore {
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final TypeReference<List<Finding>> FINDINGS = new TypeReference<>() {};

  private final ObjectMapper json;

  public JdbcScanStore(ObjectMapper json) {
    this.json = json;
  }

  @Override
  public void putScan(Tx tx, ImageScan scan) {
    tx.handle().createUpdate("INSERT INTO image_scans(digest, status, error, layers, history, os, vulndb_version, "
            + "critical, major, minor, findings, scanned_at, matched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (digest) DO UPDATE SET status = excluded.status, error = excluded.error, layers = excluded.layers, "
            + "history = excluded.history, os = excluded.os, vulndb_version = excluded.vulndb_version, "
            + "critical = excluded.critical, major = excluded.major, minor = excluded.minor, findings = excluded.findings, "
            + "scanned_at = excluded.scanned_at, matched_at = excluded.matched_at")
        .bind(0, scan.digest()).bind(1, scan.status()).bind(2, scan.error()).bind(3, write(scan.layers()))
        .bind(4, write(scan.history())).bind(5, scan.os()).bind(6, scan.vulndbVersion())
        .bind(7, scan.counts().critical()).bind(8, scan.counts().major()).bind(9, scan.counts().minor())
        .bind(10, write(scan.findings())).bind(11, scan.scannedAt()).bind(12, scan.matchedAt()).execute();
  }

  @Override
  public Optional<ImageScan> findScan(Tx tx, String digest) {
    return tx.handle().createQuery("SELECT digest, status, error, layers, history, os, vulndb_version, critical, "
            + "major, minor, findings, scanned_at, matched_at FROM image_scans WHERE digest = ?")
        .bind(0, digest)
        .map((rs, ctx) -> {
          List<Finding> findings = rs.getString(11) == null ? List.of() : read(rs.getString(11), FINDINGS);
          return new ImageScan(rs.getString(1), rs.getString(2), rs.getString(3),
              rs.getString(4) == null ? List.of() : read(rs.getString(4), STRINGS),
              rs.getString(5) == null ? List.of() : read(rs.getString(5), STRINGS), rs.getString(6), rs.getLong(7),
              new SeverityCounts(rs.getInt(8), rs.getInt(9), rs.getInt(10), rs.getInt(8) + rs.getInt(9) + rs.getInt(10)),
              findings, rs.getLong(12), rs.getLong(13));
        }).findOne();
  }

  @Override
  public boolean hasSucceeded(Tx tx, String digest) {
    return tx.handle().createQuery("SELECT 1 FROM image_scans WHERE digest = ? AND status = 'succeeded'")
        .bind(0, digest).mapTo(Integer.class).findOne().isPresent();
  }

  @Override
  public void deleteScans(Tx tx, List<String> digests) {
    if (digests.isEmpty()) {
      return;
    }
    var delete = tx.handle().prepareBatch("DELETE FROM image_scans WHERE digest = ?");
    digests.forEach(digest -> delete.bind(0, digest).add());
    delete.execute();
  }

  @Override
  public long countSucceeded(Tx tx) {
    return tx.handle().createQuery("SELECT COUNT(*) FROM image_scans WHERE status = 'succeeded'")
        .mapTo(Long.class).one();
  }

  @Override
  public List<Matched> succeededAfter(Tx tx, String after, int limit) {
    return tx.handle().createQuery("SELECT digest, layers, findings FROM image_scans "
            + "WHERE status = 'succeeded' AND digest > ? ORDER BY digest LIMIT ?")
        .bind(0, after).bind(1, limit)
        .map((rs, ctx) -> new Matched(rs.getString(1), read(rs.getString(2), STRINGS), read(rs.getString(3), FINDINGS)))
        .list();
  }

  @Override
  public void updateMatches(Tx tx, List<ImageScan> matches) {
    var update = tx.handle().prepareBatch("UPDATE image_scans SET vulndb_version = ?, critical = ?, major = ?, "
        + "minor = ?, findings = ?, matched_at = ? WHERE digest = ?");
    for (ImageScan m : matches) {
      update.bind(0, m.vulndbVersion()).bind(1, m.counts().critical()).bind(2, m.counts().major())
          .bind(3, m.counts().minor()).bind(4, write(m.findings())).bind(5, m.matchedAt()).bind(6, m.digest()).add();
    }
    update.execute();
  }

  @Override
  public Optional<LayerInventory> findInventory(Tx tx, String layer, int analyzerVersion) throws IOException {
    Optional<String> body = tx.handle().createQuery("SELECT body FROM layer_inventories WHERE digest = ? "
        + "AND analyzer_version = ?").bind(0, layer).bind(1, analyzerVersion).mapTo(String.class).findOne();
    return body.isEmpty() ? Optional.empty() : Optional.of(LayerInventory.fromJson(body.get()));
  }

  @Override
  public void putInventory(Tx tx, LayerInventory inventory, int analyzerVersion, long now) {
    tx.handle().createUpdate("INSERT INTO layer_inventories(digest, analyzer_version, body, created_at) "
            + "VALUES (?, ?, ?, ?) ON CONFLICT (digest) DO UPDATE SET analyzer_version = excluded.analyzer_version, "
            + "body = excluded.body, created_at = excluded.created_at")
        .bind(0, inventory.layerDigest()).bind(1, analyzerVersion).bind(2, inventory.toJson()).bind(3, now).execute();
  }

  private String write(List<?> list) {
    try {
      return json.writeValueAsString(list);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("scan data is always serialisable", e);
    }
  }

  private <T> T read(String text, TypeReference<T> type) {
    try {
      return json.readValue(text, type);
    } catch (IOException e) {
      throw new IllegalStateException("stored scan data is unreadable", e);
    }
  }
}
