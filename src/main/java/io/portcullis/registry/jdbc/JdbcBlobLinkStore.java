package io.portcullis.registry.jdbc;

import io.portcullis.metadata.Tx;
import io.portcullis.registry.BlobLinkStore;
import io.portcullis.registry.BlobService;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RepositoryName;
import java.util.OptionalLong;

/** Stored blobs in {@code blobs}, their links to repositories in {@code repository_blobs}. */
public final class JdbcBlobLinkStore implements BlobLinkStore {
  @Override
  public BlobService.Usage usage(Tx tx) {
    return tx.handle().createQuery("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM blobs")
        .map((rs, ctx) -> new BlobService.Usage(rs.getLong(1), rs.getLong(2))).one();
  }

  @Override
  public OptionalLong linkedSize(Tx tx, RepositoryName repository, Digest digest) {
    return linkedSize(tx, repository, digest, "");
  }

  @Override
  public OptionalLong holdLinked(Tx tx, RepositoryName repository, Digest digest) {
    return linkedSize(tx, repository, digest, tx.dialect().forShare());
  }

  private static OptionalLong linkedSize(Tx tx, RepositoryName repository, Digest digest, String lock) {
    return tx.handle().createQuery("SELECT b.size FROM repository_blobs rb JOIN blobs b ON b.digest = rb.digest "
            + "WHERE rb.repository = ? AND rb.digest = ?" + lock)
        .bind(0, repository.value()).bind(1, digest.toString())
        .mapTo(Long.class).findOne().map(OptionalLong::of).orElse(OptionalLong.empty());
  }

  @Override
  public void upsertBlob(Tx tx, Digest digest, long size, long now) {
    tx.handle().createUpdate("INSERT INTO blobs(digest, size, created_at) VALUES (?, ?, ?) "
            + "ON CONFLICT (digest) DO UPDATE SET created_at = excluded.created_at")
        .bind(0, digest.toString()).bind(1, size).bind(2, now).execute();
  }

  @Override
  public void link(Tx tx, RepositoryName repository, Digest digest, long now) {
    tx.handle().createUpdate("INSERT INTO repository_blobs(repository, digest, created_at) VALUES (?, ?, ?) "
            + "ON CONFLICT (repository, digest) DO NOTHING")
        .bind(0, repository.value()).bind(1, digest.toString()).bind(2, now).execute();
  }

  @Override
  public boolean unlink(Tx tx, RepositoryName repository, Digest digest) {
    return tx.handle().createUpdate("DELETE FROM repository_blobs WHERE repository = ? AND digest = ?")
        .bind(0, repository.value()).bind(1, digest.toString()).execute() == 1;
  }

  @Override
  public void unlinkAll(Tx tx, RepositoryName repository) {
    tx.handle().createUpdate("DELETE FROM repository_blobs WHERE repository = ?").bind(0, repository.value()).execute();
  }
}
