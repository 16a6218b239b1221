package io.portcullis.scan.jdbc;

import io.portcullis.metadata.Tx;
import io.portcullis.scan.RegistryContent;
import io.portcullis.shared.RepositoryName;
import java.util.List;
import java.util.Optional;

/** Reads the registry's {@code manifests} and {@code blobs} tables. */
public final class JdbcRegistryContent implements RegistryContent {
  @Override
  public Optional<Manifest> manifest(Tx tx, String digest) {
    return tx.handle().createQuery("SELECT media_type, payload FROM manifests WHERE digest = ? LIMIT 1")
        .bind(0, digest).map((rs, ctx) -> new Manifest(rs.getString(1), rs.getBytes(2))).findOne();
  }

  @Override
  public Optional<Long> blobSize(Tx tx, String digest) {
    return tx.handle().createQuery("SELECT size FROM blobs WHERE digest = ?").bind(0, digest).mapTo(Long.class)
        .findOne();
  }

  @Override
  public List<RepositoryName> repositoriesWith(Tx tx, String digest) {
    return tx.handle().createQuery("SELECT DISTINCT repository FROM manifests WHERE digest = ?")
        .bind(0, digest).mapTo(String.class).map(RepositoryName::of).list();
  }

  @Override
  public List<Located> everyManifest(Tx tx) {
    return tx.handle().createQuery("SELECT MIN(repository), digest FROM manifests GROUP BY digest")
        .map((rs, ctx) -> new Located(RepositoryName.of(rs.getString(1)), rs.getString(2))).list();
  }

  @Override
  public List<String> manifestsHeldOnlyBy(Tx tx, RepositoryName repository) {
    return tx.handle().createQuery("SELECT digest FROM manifests m WHERE repository = ? AND NOT EXISTS"
            + " (SELECT 1 FROM manifests o WHERE o.digest = m.digest AND o.repository <> m.repository)")
        .bind(0, repository.value()).mapTo(String.class).list();
  }
}
