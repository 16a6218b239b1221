package io.portcullis.registry;

import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventType;
import io.portcullis.metadata.Database;
import io.portcullis.repository.Repository;
import io.portcullis.repository.RepositoryService;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RepositoryName;
import io.portcullis.storage.BlobStore;
import io.portcullis.storage.StoredBlob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The registry's half of garbage collection: what the mark reads, and deletions that are safe
 * against every push running at the same time (docs/garbage-collection.md). Each deletion locks
 * the rows it is about to delete without waiting (a row a push holds is in use: it is skipped),
 * then checks again, in a statement of its own that sees everything committed before the lock,
 * that nothing needs them, and only then deletes: the plan may be stale, the deletion never is.
 */
public final class RegistrySweep {
  /** A manifest as the mark sees it. */
  public record StoredManifest(Digest digest, long size, long createdAt, Digest subject, boolean tagged) {}

  /** A manifest's reference: to a blob (config, layer) or a child manifest (index entry). */
  public record Reference(Digest parent, Digest child, boolean childIsManifest) {}

  /** A blob linked to a repository, since {@code createdAt} (refreshed by each upload or mount of it). */
  public record Link(Digest digest, long size, long createdAt) {}

  public record Blob(Digest digest, long size) {}

  /**
   * A repository as the mark needs it; {@code held} are the untagged manifests a {@link ManifestHold}
   * or the repository's immutable tags keep.
   */
  public record Snapshot(RepositoryName repository, List<StoredManifest> manifests, List<Reference> references,
      List<Link> links, Set<Digest> held) {}

  private final Database db;
  private final SweepStore store;
  private final ManifestStore manifestStore;
  private final BlobStore blobStore;
  private final ManifestService manifests;
  private final BlobService blobs;
  private final RepositoryService repositories;
  private final EventLog events;
  private final List<ManifestHold> holds = new java.util.concurrent.CopyOnWriteArrayList<>();

  public RegistrySweep(Database db, SweepStore store, ManifestStore manifestStore, BlobStore blobStore,
      ManifestService manifests, BlobService blobs, RepositoryService repositories, EventLog events) {
    this.db = db;
    this.store = store;
    this.manifestStore = manifestStore;
    this.blobStore = blobStore;
    this.manifests = manifests;
    this.blobs = blobs;
    this.repositories = repositories;
    this.events = events;
  }

  /** Adds a rule that keeps manifests from collection (wired at start-up). */
  public void addHold(ManifestHold hold) {
    holds.add(hold);
  }

  public List<RepositoryName> repositories(String after, int limit) {
    return db.readOnly(tx -> store.repositories(tx, after, limit));
  }

  public Snapshot snapshot(RepositoryName repository) {
    return db.readOnly(tx -> {
      List<StoredManifest> stored = store.manifests(tx, repository);
      boolean immutable = repositories.find(tx, repository).map(Repository::immutableTags).orElse(false);
      Set<Digest> held = new HashSet<>();
      for (StoredManifest m : stored) {
        if (!m.tagged() && (immutable || holds.stream().anyMatch(h -> h.holds(tx, repository, m.digest())))) {
          held.add(m.digest());
        }
      }
      return new Snapshot(repository, stored, store.references(tx, repository), store.links(tx, repository), held);
    });
  }

  public Map<Digest, List<RepositoryName>> linksOf(Collection<Digest> digests) {
    return db.readOnly(tx -> store.linksOf(tx, digests));
  }

  public List<Blob> unlinkedBlobs(String after, int limit) {
    return db.readOnly(tx -> store.unlinkedBlobs(tx, after, limit));
  }

  /**
   * Hands {@code orphans}, batch by batch, the stored files modified before {@code modifiedBefore} that
   * have no {@code blobs} row: bytes a crash left between the rename and the commit of an upload.
   */
  public void orphanFiles(long modifiedBefore, int batch, Consumer<List<StoredBlob>> orphans) throws IOException {
    try (Stream<StoredBlob> files = blobStore.list()) {
      List<StoredBlob> pending = new ArrayList<>(batch);
      var it = files.filter(f -> f.modifiedAt() < modifiedBefore).iterator();
      while (it.hasNext()) {
        pending.add(it.next());
        if (pending.size() == batch || !it.hasNext()) {
          List<StoredBlob> checked = List.copyOf(pending);
          pending.clear();
          Set<Digest> stored = db.readOnly(tx -> store.stored(tx, checked.stream().map(StoredBlob::digest).toList()));
          // Told of every batch, empty or not: a long listing is progress too.
          orphans.accept(checked.stream().filter(f -> !stored.contains(f.digest())).toList());
        }
      }
    }
  }

  /**
   * Deletes those of the repository's manifests that are still unreferenced (see
   * {@link SweepStore#unreferencedManifests}) and not held, with a {@code manifest.deleted} event
   * each. A manifest listed as a child by another of the batch is kept: parents go in an earlier batch.
   */
  public Set<Digest> deleteManifests(RepositoryName repository, Collection<Digest> digests, long createdBefore,
      Caller caller, Instant at) {
    Set<Digest> deleted = db.inTransaction(tx -> {
      Set<Digest> locked = store.lockManifests(tx, repository, digests);
      Set<Digest> free = locked.isEmpty() ? Set.of() : store.unreferencedManifests(tx, repository, locked, createdBefore);
      boolean immutable = repositories.find(tx, repository).map(Repository::immutableTags).orElse(false);
      Set<Digest> gone = new HashSet<>();
      for (Digest digest : free) {
        if (immutable || holds.stream().anyMatch(h -> h.holds(tx, repository, digest))) {
          continue;
        }
        manifestStore.deleteManifest(tx, repository, digest);
        events.append(tx, Event.of(EventType.MANIFEST_DELETED, at, caller, repository, digest, null, null));
        gone.add(digest);
      }
      return gone;
    });
    manifests.forget(repository, deleted);
    return deleted;
  }

  /** Unlinks those of the blobs that are linked before {@code createdBefore} and no manifest of the repository references. */
  public Set<Digest> unlink(RepositoryName repository, Collection<Digest> digests, long createdBefore) {
    Set<Digest> unlinked = db.inTransaction(tx -> {
      Set<Digest> locked = store.lockLinks(tx, repository, digests, createdBefore);
      Set<Digest> free = locked.isEmpty() ? Set.of() : store.unreferencedBlobs(tx, repository, locked);
      if (!free.isEmpty()) {
        store.unlink(tx, repository, free);
      }
      return free;
    });
    blobs.forget(repository, unlinked);
    return unlinked;
  }

  /**
   * Deletes those of the blobs no repository links, row and bytes, under the row's lock: an upload
   * of the same digest waits for the commit and then stores the bytes again. The file goes before
   * the commit, so a crash can leave a row without its file but only a row nothing links, which no
   * read can reach, the next upload of the digest fills again and the next collection removes.
   * Returns the sizes of the blobs deleted.
   */
  public Map<Digest, Long> deleteBlobs(Collection<Digest> digests) {
    return db.inTransaction(tx -> {
      Map<Digest, Long> locked = store.lockBlobs(tx, digests);
      Set<Digest> linked = locked.isEmpty() ? Set.of() : store.linked(tx, locked.keySet());
      Map<Digest, Long> deleted = new LinkedHashMap<>();
      for (Map.Entry<Digest, Long> blob : locked.entrySet()) {
        if (linked.contains(blob.getKey())) {
          continue;
        }
        // The row first: its foreign key refuses the deletion of a blob that is linked after all.
        store.deleteBlob(tx, blob.getKey());
        deleteFile(blob.getKey());
        deleted.put(blob.getKey(), blob.getValue());
      }
      return deleted;
    });
  }

  /** Deletes a stored file that has no row, holding a placeholder row's lock meanwhile; false when it has one now. */
  public boolean deleteOrphanFile(Digest digest, long now) {
    return db.inTransaction(tx -> {
      if (!store.claimAbsentBlob(tx, digest, now)) {
        return false;
      }
      deleteFile(digest);
      store.deleteBlob(tx, digest);
      return true;
    });
  }

  private void deleteFile(Digest digest) {
    try {
      blobStore.delete(digest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
