package io.portcullis.scan.jdbc;

import io.portcullis.metadata.Tx;
import io.portcullis.scan.RepositoryScanStore;
import io.portcullis.shared.RepositoryName;

/** Scan results in {@code image_scans}, matched against the registry's {@code manifests}. */
public final class JdbcRepositoryScanStore implements RepositoryScanStore {
  @Override
  public void deleteResultsHeldOnlyBy(Tx tx, RepositoryName repository) {
    tx.handle().createUpdate("DELETE FROM image_scans WHERE digest IN (SELECT digest FROM manifests WHERE repository = ?)"
            + " AND NOT EXISTS (SELECT 1 FROM manifests m WHERE m.digest = image_scans.digest AND m.repository <> ?)")
        .bind(0, repository.value()).bind(1, repository.value()).execute();
  }
}
