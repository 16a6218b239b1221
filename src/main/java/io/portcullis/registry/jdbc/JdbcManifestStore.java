package io.portcullis.registry.jdbc;

import io.portcullis.metadata.Tx;
import io.portcullis.registry.ManifestService;
import io.portcullis.registry.ManifestStore;
import io.portcullis.registry.ParsedManifest;
import io.portcullis.shared.Digest;
import io.portcullis.shared.MediaTypes;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.Tag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Manifests in {@code manifests} and {@code manifest_references}, tags in {@code tags}. */
public final class JdbcManifestStore implements ManifestStore {
  @Override
  public Optional<Digest> tagDigest(Tx tx, RepositoryName repository, Tag tag) {
    return tagDigest(tx, repository, tag, "");
  }

  @Override
  public Optional<Digest> lockTag(Tx tx, RepositoryName repository, Tag tag) {
    return tagDigest(tx, repository, tag, tx.dialect().forUpdate());
  }

  private static Optional<Digest> tagDigest(Tx tx, RepositoryName repository, Tag tag, String lock) {
    return tx.handle().createQuery("SELECT digest FROM tags WHERE repository = ? AND name = ?" + lock)
        .bind(0, repository.value()).bind(1, tag.value()).mapTo(String.class).findOne().map(Digest::parse);
  }

  @Override
  public Optional<ManifestService.Manifest> manifest(Tx tx, RepositoryName repository, Digest digest) {
    return tx.handle().createQuery("SELECT digest, media_type, size, payload FROM manifests "
            + "WHERE repository = ? AND digest = ?")
        .bind(0, repository.value()).bind(1, digest.toString())
        .map((rs, ctx) -> new ManifestService.Manifest(Digest.parse(rs.getString(1)), rs.getString(2), rs.getLong(3),
            rs.getBytes(4)))
        .findOne();
  }

  @Override
  public boolean holdManifest(Tx tx, RepositoryName repository, Digest digest) {
    return hasManifest(tx, repository, digest, tx.dialect().forShare());
  }

  @Override
  public boolean lockManifest(Tx tx, RepositoryName repository, Digest digest) {
    return hasManifest(tx, repository, digest, tx.dialect().forUpdate());
  }

  private static boolean hasManifest(Tx tx, RepositoryName repository, Digest digest, String lock) {
    return tx.handle().createQuery("SELECT 1 FROM manifests WHERE repository = ? AND digest = ?" + lock)
        .bind(0, repository.value()).bind(1, digest.toString()).mapTo(Integer.class).findOne().isPresent();
  }

  @Override
  public boolean insertManifest(Tx tx, RepositoryName repository, ParsedManifest manifest, long now) {
    String digest = manifest.digest().toString();
    int inserted = tx.handle().createUpdate("INSERT INTO manifests(repository, digest, media_type, artifact_type, "
            + "subject, size, payload, annotations, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (repository, digest) DO NOTHING")
        .bind(0, repository.value()).bind(1, digest).bind(2, manifest.mediaType()).bind(3, manifest.artifactType())
        .bind(4, manifest.subject() == null ? null : manifest.subject().digest().toString())
        .bind(5, (long) manifest.payload().length).bind(6, manifest.payload()).bind(7, manifest.annotations())
        .bind(8, now).execute();
    if (inserted == 0) {
      return false;
    }
    Map<String, Boolean> references = new LinkedHashMap<>();
    manifest.blobs().stream().filter(d -> !d.foreign()).forEach(d -> references.put(d.digest().toString(), false));
    manifest.children().forEach(d -> references.put(d.digest().toString(), true));
    if (!references.isEmpty()) {
      var batch = tx.handle().prepareBatch("INSERT INTO manifest_references(repository, digest, child, "
          + "child_is_manifest) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
      references.forEach((child, isManifest) -> batch.bind(0, repository.value()).bind(1, digest).bind(2, child)
          .bind(3, isManifest).add());
      batch.execute();
    }
    return true;
  }

  @Override
  public Optional<Digest> createTag(Tx tx, RepositoryName repository, Tag tag, Digest digest, long now) {
    // Insert first, then read what is there: a concurrent first push of the same tag has either committed
    // (and the read sees it, locked) or made the insert wait for it, so no existing tag goes unseen.
    int created = tx.handle().createUpdate("INSERT INTO tags(repository, name, digest, updated_at) VALUES (?, ?, ?, ?) "
            + "ON CONFLICT (repository, name) DO NOTHING")
        .bind(0, repository.value()).bind(1, tag.value()).bind(2, digest.toString()).bind(3, now).execute();
    return created == 1 ? Optional.empty() : lockTag(tx, repository, tag);
  }

  @Override
  public void moveTag(Tx tx, RepositoryName repository, Tag tag, Digest digest, long now) {
    tx.handle().createUpdate("UPDATE tags SET digest = ?, updated_at = ? WHERE repository = ? AND name = ?")
        .bind(0, digest.toString()).bind(1, now).bind(2, repository.value()).bind(3, tag.value()).execute();
  }

  @Override
  public List<RepositoryName> repositoriesWith(Tx tx, Digest digest) {
    return tx.handle().createQuery("SELECT DISTINCT repository FROM manifests WHERE digest = ? ORDER BY repository")
        .bind(0, digest.toString()).mapTo(String.class).map(RepositoryName::of).list();
  }

  @Override
  public List<Tag> tagsReaching(Tx tx, RepositoryName repository, Digest digest) {
    return tx.handle().createQuery("SELECT name FROM tags WHERE repository = :r AND (digest = :d OR digest IN "
            + "(SELECT digest FROM manifest_references WHERE repository = :r AND child = :d AND child_is_manifest))"
            + " ORDER BY name")
        .bind("r", repository.value()).bind("d", digest.toString()).mapTo(String.class).map(Tag::new).list();
  }

  @Override
  public List<Tag> tagsOf(Tx tx, RepositoryName repository, Digest digest) {
    return tx.handle().createQuery("SELECT name FROM tags WHERE repository = ? AND digest = ? ORDER BY name")
        .bind(0, repository.value()).bind(1, digest.toString()).mapTo(String.class).map(Tag::new).list();
  }

  @Override
  public boolean deleteManifest(Tx tx, RepositoryName repository, Digest digest) {
    return tx.handle().createUpdate("DELETE FROM manifests WHERE repository = ? AND digest = ?")
        .bind(0, repository.value()).bind(1, digest.toString()).execute() == 1;
  }

  @Override
  public void deleteTag(Tx tx, RepositoryName repository, Tag tag) {
    tx.handle().createUpdate("DELETE FROM tags WHERE repository = ? AND name = ?")
        .bind(0, repository.value()).bind(1, tag.value()).execute();
  }

  @Override
  public List<ManifestService.TaggedManifest> taggedManifests(Tx tx, RepositoryName repository) {
    return tx.handle().createQuery("SELECT name, digest, updated_at FROM tags WHERE repository = ? ORDER BY name")
        .bind(0, repository.value())
        .map((rs, ctx) -> new ManifestService.TaggedManifest(new Tag(rs.getString(1)), Digest.parse(rs.getString(2)),
            java.time.Instant.ofEpochMilli(rs.getLong(3))))
        .list();
  }

  @Override
  public List<String> tagNames(Tx tx, RepositoryName repository, String after, int limit) {
    return tx.handle().createQuery("SELECT name FROM tags WHERE repository = ? AND name > ? ORDER BY name LIMIT ?")
        .bind(0, repository.value()).bind(1, after).bind(2, limit).mapTo(String.class).list();
  }

  @Override
  public List<ManifestService.Referrer> referrers(Tx tx, RepositoryName repository, Digest subject) {
    return tx.handle().createQuery("SELECT media_type, digest, size, artifact_type, annotations FROM manifests "
            + "WHERE repository = ? AND subject = ? ORDER BY digest")
        .bind(0, repository.value()).bind(1, subject.toString())
        .map((rs, ctx) -> new ManifestService.Referrer(rs.getString(1), rs.getString(2), rs.getLong(3),
            rs.getString(4), rs.getString(5)))
        .list();
  }

  @Override
  public Optional<byte[]> taggedIndex(Tx tx, RepositoryName repository, Tag tag) {
    return tx.handle().createQuery("SELECT m.payload FROM tags t JOIN manifests m "
            + "ON m.repository = t.repository AND m.digest = t.digest "
            + "WHERE t.repository = ? AND t.name = ? AND m.media_type = ?")
        .bind(0, repository.value()).bind(1, tag.value()).bind(2, MediaTypes.OCI_INDEX)
        .mapTo(byte[].class).findOne();
  }

  @Override
  public void deleteAll(Tx tx, RepositoryName repository) {
    // The foreign keys take the manifests' references and the tags along.
    tx.handle().createUpdate("DELETE FROM manifests WHERE repository = ?").bind(0, repository.value()).execute();
  }
}
