package io.portcullis.registry.jdbc;

import io.portcullis.metadata.Tx;
import io.portcullis.registry.RegistrySweep;
import io.portcullis.registry.SweepStore;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RepositoryName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Garbage collection's reads and deletions in {@code manifests}, {@code manifest_references},
 * {@code tags}, {@code repository_blobs} and {@code blobs}. Every re-check is a statement of its own
 * after the lock: on PostgreSQL (read committed) it then sees what a transaction that held the row
 * committed, where a condition inside the locking statement would be judged on the older snapshot.
 */
public final class JdbcSweepStore implements SweepStore {
  @Override
  public List<RepositoryName> repositories(Tx tx, String after, int limit) {
    return tx.handle().createQuery("SELECT repository FROM (SELECT repository FROM manifests UNION "
            + "SELECT repository FROM repository_blobs) r WHERE repository > ? ORDER BY repository LIMIT ?")
        .bind(0, after).bind(1, limit).mapTo(String.class).map(RepositoryName::of).list();
  }

  @Override
  public List<RegistrySweep.StoredManifest> manifests(Tx tx, RepositoryName repository) {
    return tx.handle().createQuery("SELECT m.digest, m.size, m.created_at, m.subject, "
            + "EXISTS (SELECT 1 FROM tags t WHERE t.repository = m.repository AND t.digest = m.digest) "
            + "FROM manifests m WHERE m.repository = ?")
        .bind(0, repository.value())
        .map((rs, ctx) -> new RegistrySweep.StoredManifest(Digest.parse(rs.getString(1)), rs.getLong(2), rs.getLong(3),
            rs.getString(4) == null ? null : Digest.parse(rs.getString(4)), rs.getBoolean(5)))
        .list();
  }

  @Override
  public List<RegistrySweep.Reference> references(Tx tx, RepositoryName repository) {
    return tx.handle().createQuery("SELECT digest, child, child_is_manifest FROM manifest_references WHERE repository = ?")
        .bind(0, repository.value())
        .map((rs, ctx) -> new RegistrySweep.Reference(Digest.parse(rs.getString(1)), Digest.parse(rs.getString(2)),
            rs.getBoolean(3)))
        .list();
  }

  @Override
  public List<RegistrySweep.Link> links(Tx tx, RepositoryName repository) {
    return tx.handle().createQuery("SELECT rb.digest, b.size, rb.created_at FROM repository_blobs rb "
            + "JOIN blobs b ON b.digest = rb.digest WHERE rb.repository = ?")
        .bind(0, repository.value())
        .map((rs, ctx) -> new RegistrySweep.Link(Digest.parse(rs.getString(1)), rs.getLong(2), rs.getLong(3)))
        .list();
  }

  @Override
  public Map<Digest, List<RepositoryName>> linksOf(Tx tx, Collection<Digest> digests) {
    Map<Digest, List<RepositoryName>> links = new LinkedHashMap<>();
    if (!digests.isEmpty()) {
      tx.handle().createQuery("SELECT digest, repository FROM repository_blobs WHERE digest IN (<digests>)")
          .bindList("digests", strings(digests))
          .map((rs, ctx) -> Map.entry(Digest.parse(rs.getString(1)), RepositoryName.of(rs.getString(2))))
          .forEach(e -> links.computeIfAbsent(e.getKey(), d -> new ArrayList<>()).add(e.getValue()));
    }
    return links;
  }

  @Override
  public List<RegistrySweep.Blob> unlinkedBlobs(Tx tx, String after, int limit) {
    return tx.handle().createQuery("SELECT b.digest, b.size FROM blobs b WHERE b.digest > ? AND NOT EXISTS "
            + "(SELECT 1 FROM repository_blobs rb WHERE rb.digest = b.digest) ORDER BY b.digest LIMIT ?")
        .bind(0, after).bind(1, limit)
        .map((rs, ctx) -> new RegistrySweep.Blob(Digest.parse(rs.getString(1)), rs.getLong(2))).list();
  }

  @Override
  public Set<Digest> stored(Tx tx, Collection<Digest> digests) {
    return digests.isEmpty() ? Set.of() : digestSet(tx, "SELECT digest FROM blobs WHERE digest IN (<digests>)",
        null, digests);
  }

  @Override
  public Set<Digest> lockManifests(Tx tx, RepositoryName repository, Collection<Digest> digests) {
    return digestSet(tx, "SELECT digest FROM manifests WHERE repository = :repository AND digest IN (<digests>)"
        + tx.dialect().forUpdateSkipLocked(), repository, digests);
  }

  @Override
  public Set<Digest> unreferencedManifests(Tx tx, RepositoryName repository, Collection<Digest> digests,
      long createdBefore) {
    return new HashSet<>(tx.handle().createQuery("SELECT m.digest FROM manifests m "
            + "WHERE m.repository = :repository AND m.digest IN (<digests>) AND m.created_at < :before "
            + "AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.repository = m.repository AND t.digest = m.digest) "
            + "AND NOT EXISTS (SELECT 1 FROM manifest_references r WHERE r.repository = m.repository "
            + "AND r.child = m.digest AND r.child_is_manifest) "
            + "AND NOT EXISTS (SELECT 1 FROM manifests s WHERE s.repository = m.repository AND s.digest = m.subject)")
        .bind("repository", repository.value()).bind("before", createdBefore).bindList("digests", strings(digests))
        .mapTo(String.class).map(Digest::parse).list());
  }

  @Override
  public Set<Digest> lockLinks(Tx tx, RepositoryName repository, Collection<Digest> digests, long createdBefore) {
    return new HashSet<>(tx.handle().createQuery("SELECT digest FROM repository_blobs WHERE repository = :repository "
            + "AND digest IN (<digests>) AND created_at < :before" + tx.dialect().forUpdateSkipLocked())
        .bind("repository", repository.value()).bind("before", createdBefore).bindList("digests", strings(digests))
        .mapTo(String.class).map(Digest::parse).list());
  }

  @Override
  public Set<Digest> unreferencedBlobs(Tx tx, RepositoryName repository, Collection<Digest> digests) {
    Set<Digest> referenced = digestSet(tx, "SELECT DISTINCT child FROM manifest_references "
        + "WHERE repository = :repository AND child IN (<digests>) AND NOT child_is_manifest", repository, digests);
    Set<Digest> free = new HashSet<>(digests);
    free.removeAll(referenced);
    return free;
  }

  @Override
  public void unlink(Tx tx, RepositoryName repository, Collection<Digest> digests) {
    tx.handle().createUpdate("DELETE FROM repository_blobs WHERE repository = :repository AND digest IN (<digests>)")
        .bind("repository", repository.value()).bindList("digests", strings(digests)).execute();
  }

  @Override
  public Map<Digest, Long> lockBlobs(Tx tx, Collection<Digest> digests) {
    Map<Digest, Long> sizes = new LinkedHashMap<>();
    tx.handle().createQuery("SELECT digest, size FROM blobs WHERE digest IN (<digests>)"
            + tx.dialect().forUpdateSkipLocked())
        .bindList("digests", strings(digests))
        .map((rs, ctx) -> Map.entry(Digest.parse(rs.getString(1)), rs.getLong(2)))
        .forEach(e -> sizes.put(e.getKey(), e.getValue()));
    return sizes;
  }

  @Override
  public Set<Digest> linked(Tx tx, Collection<Digest> digests) {
    return digestSet(tx, "SELECT DISTINCT digest FROM repository_blobs WHERE digest IN (<digests>)", null, digests);
  }

  @Override
  public void deleteBlob(Tx tx, Digest digest) {
    tx.handle().createUpdate("DELETE FROM blobs WHERE digest = ?").bind(0, digest.toString()).execute();
  }

  @Override
  public boolean claimAbsentBlob(Tx tx, Digest digest, long now) {
    return tx.handle().createUpdate("INSERT INTO blobs(digest, size, created_at) VALUES (?, 0, ?) "
            + "ON CONFLICT (digest) DO NOTHING")
        .bind(0, digest.toString()).bind(1, now).execute() == 1;
  }

  private static Set<Digest> digestSet(Tx tx, String sql, RepositoryName repository, Collection<Digest> digests) {
    var query = tx.handle().createQuery(sql).bindList("digests", strings(digests));
    if (repository != null) {
      query.bind("repository", repository.value());
    }
    return new HashSet<>(query.mapTo(String.class).map(Digest::parse).list());
  }

  private static List<String> strings(Collection<Digest> digests) {
    return digests.stream().map(Digest::toString).toList();
  }
}
