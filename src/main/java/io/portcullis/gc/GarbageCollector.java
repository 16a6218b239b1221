package io.portcullis.gc;

import io.portcullis.registry.RegistrySweep;
import io.portcullis.registry.UploadService;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.RepositoryName;
import io.portcullis.storage.StoredBlob;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Mark and sweep over the registry, online: one evaluation (the mark) decides what a run deletes
 * and what a dry run reports, and the real run hands each batch to {@link RegistrySweep}, which
 * deletes only what is still unreferenced under its rows' locks, so a push running meanwhile can
 * make the plan stale but never make it wrong. Phases, in order:
 *
 * <ol>
 *   <li>{@code manifests} (only when asked): untagged manifests older than the grace window that no
 *       kept manifest reaches (as an index's child or as a referrer of its subject), none held;
 *   <li>{@code links}: links older than the grace window that no kept manifest of the repository
 *       references (a younger link is an upload whose manifest has not come yet);
 *   <li>{@code blobs}: blobs no repository links any more;
 *   <li>{@code orphans}: stored files with no blob row, written before the grace window;
 *   <li>{@code uploads}: upload staging files idle longer than {@code uploads.expiry}.
 * </ol>
 *
 * Memory is bounded by the largest repository (its manifests, references and links are read at
 * once) plus what the run frees; every transaction is one batch.
 */
public final class GarbageCollector {
  static final String MANIFESTS = "manifests";
  static final String LINKS = "links";
  static final String BLOBS = "blobs";
  static final String ORPHANS = "orphans";
  static final String UPLOADS = "uploads";
  private static final int REPOSITORY_PAGE = 100;
  private static final int BATCH = 100;
  /** Smaller: each blob costs a file deletion and a directory fsync inside its transaction. */
  private static final int BLOB_BATCH = 32;

  /** Told as the run goes, at least once a batch; {@code soFar} is worked out only when asked. */
  @FunctionalInterface
  public interface Observer {
    void progress(String phase, java.util.function.Supplier<GcReport> soFar);
  }

  private final RegistrySweep sweep;
  private final UploadService uploads;
  private final Clock clock;
  private final Duration grace;
  private final Duration uploadExpiry;

  /**
   * @param grace        how old unreferenced links, untagged manifests and orphaned files must be to go
   * @param uploadExpiry idle time after which an upload's staging file goes
   */
  public GarbageCollector(RegistrySweep sweep, UploadService uploads, Clock clock, Duration grace,
      Duration uploadExpiry) {
    this.sweep = sweep;
    this.uploads = uploads;
    this.clock = clock;
    this.grace = grace;
    this.uploadExpiry = uploadExpiry;
  }

  public Duration grace() {
    return grace;
  }

  /** Runs the phases; a dry run deletes nothing and reports what the real run would free now. */
  public GcReport collect(boolean dryRun, boolean deleteUntagged, Caller caller, Observer observer) throws IOException {
    Run run = new Run(dryRun, deleteUntagged, caller, observer, clock.millis() - grace.toMillis());
    run.repositories();
    run.blobs();
    run.orphans();
    if (!dryRun) {
      run.tally.uploads = uploads.purgeStale(uploadExpiry.toMillis());
      observer.progress(UPLOADS, run.tally::report);
    }
    return run.tally.report();
  }

  /** What one repository's mark found: manifests to delete, parents before children, and links to remove. */
  record Plan(List<List<Digest>> manifestLevels, Map<Digest, Long> manifestSizes, List<RegistrySweep.Link> links) {}

  /**
   * The mark of one repository. Kept: tagged manifests, manifests younger than the cutoff, held ones,
   * and everything a kept manifest reaches through child and subject edges; the rest are collected in
   * levels, so that each batch's parents are already gone when its re-check asks for them. Without
   * {@code deleteUntagged} every manifest is kept. Links go that are older than the cutoff and that no
   * kept manifest references.
   */
  static Plan mark(RegistrySweep.Snapshot snapshot, boolean deleteUntagged, long cutoff) {
    Map<Digest, RegistrySweep.StoredManifest> manifests = new LinkedHashMap<>();
    snapshot.manifests().forEach(m -> manifests.put(m.digest(), m));
    // Edges from a manifest to what it keeps: its child manifests and the manifests whose subject it is.
    Map<Digest, List<Digest>> keeps = new HashMap<>();
    for (RegistrySweep.Reference r : snapshot.references()) {
      if (r.childIsManifest() && manifests.containsKey(r.child())) {
        keeps.computeIfAbsent(r.parent(), d -> new ArrayList<>()).add(r.child());
      }
    }
    for (RegistrySweep.StoredManifest m : manifests.values()) {
      if (m.subject() != null && manifests.containsKey(m.subject())) {
        keeps.computeIfAbsent(m.subject(), d -> new ArrayList<>()).add(m.digest());
      }
    }
    Set<Digest> kept = new HashSet<>();
    ArrayDeque<Digest> pending = new ArrayDeque<>();
    for (RegistrySweep.StoredManifest m : manifests.values()) {
      if (!deleteUntagged || m.tagged() || m.createdAt() >= cutoff || snapshot.held().contains(m.digest())) {
        kept.add(m.digest());
        pending.add(m.digest());
      }
    }
    while (!pending.isEmpty()) {
      for (Digest next : keeps.getOrDefault(pending.poll(), List.of())) {
        if (kept.add(next)) {
          pending.add(next);
        }
      }
    }
    List<List<Digest>> levels = levels(manifests.keySet(), kept, keeps);
    Map<Digest, Long> sizes = new HashMap<>();
    levels.forEach(level -> level.forEach(d -> sizes.put(d, manifests.get(d).size())));
    Set<Digest> referenced = new HashSet<>();
    for (RegistrySweep.Reference r : snapshot.references()) {
      if (!r.childIsManifest() && kept.contains(r.parent())) {
        referenced.add(r.child());
      }
    }
    List<RegistrySweep.Link> links = snapshot.links().stream()
        .filter(l -> l.createdAt() < cutoff && !referenced.contains(l.digest())).toList();
    return new Plan(levels, sizes, links);
  }

  /** The collected manifests in levels: a manifest comes one level after the last of its collected parents. */
  private static List<List<Digest>> levels(Collection<Digest> all, Set<Digest> kept, Map<Digest, List<Digest>> keeps) {
    Map<Digest, Integer> parents = new HashMap<>();
    for (Digest d : all) {
      if (!kept.contains(d)) {
        parents.putIfAbsent(d, 0);
        for (Digest child : keeps.getOrDefault(d, List.of())) {
          if (!kept.contains(child)) {
            parents.merge(child, 1, Integer::sum);
          }
        }
      }
    }
    List<List<Digest>> levels = new ArrayList<>();
    List<Digest> level = parents.entrySet().stream().filter(e -> e.getValue() == 0).map(Map.Entry::getKey).toList();
    while (!level.isEmpty()) {
      levels.add(level);
      List<Digest> next = new ArrayList<>();
      for (Digest d : level) {
        for (Digest child : keeps.getOrDefault(d, List.of())) {
          if (!kept.contains(child) && parents.merge(child, -1, Integer::sum) == 0) {
            next.add(child);
          }
        }
      }
      level = next;
    }
    return levels;
  }

  static String namespace(RepositoryName repository) {
    String name = repository.value();
    int slash = name.indexOf('/');
    return slash < 0 ? name : name.substring(0, slash);
  }

  /** Running totals of one run. */
  static final class Tally {
    long manifests;
    long links;
    long blobs;
    long bytes;
    long orphanFiles;
    long orphanBytes;
    long uploads;
    final Map<String, long[]> namespaces = new HashMap<>();

    long[] of(RepositoryName repository) {
      return namespaces.computeIfAbsent(namespace(repository), n -> new long[3]);
    }

    GcReport report() {
      Map<String, GcReport.Namespace> perNamespace = new HashMap<>();
      namespaces.forEach((n, v) -> perNamespace.put(n, new GcReport.Namespace(v[0], v[1], v[2])));
      return new GcReport(manifests, links, blobs, bytes, orphanFiles, orphanBytes, uploads, perNamespace);
    }
  }

  private final class Run {
    final boolean dryRun;
    final boolean deleteUntagged;
    final Caller caller;
    final Observer observer;
    final long cutoff;
    final Tally tally = new Tally();
    /** Links removed (a dry run: to be removed), by blob: which blobs may have lost their last link. */
    final Map<Digest, Set<RepositoryName>> unlinked = new HashMap<>();
    final Map<Digest, Long> sizes = new HashMap<>();

    Run(boolean dryRun, boolean deleteUntagged, Caller caller, Observer observer, long cutoff) {
      this.dryRun = dryRun;
      this.deleteUntagged = deleteUntagged;
      this.caller = caller;
      this.observer = observer;
      this.cutoff = cutoff;
    }

    void repositories() {
      String after = "";
      while (true) {
        List<RepositoryName> page = sweep.repositories(after, REPOSITORY_PAGE);
        for (RepositoryName repository : page) {
          repository(repository);
          // Also after a repository with nothing to collect: progress renews the run's job lease.
          observer.progress(deleteUntagged ? MANIFESTS : LINKS, tally::report);
        }
        if (page.size() < REPOSITORY_PAGE) {
          return;
        }
        after = page.getLast().value();
      }
    }

    private void repository(RepositoryName repository) {
      Plan plan = mark(sweep.snapshot(repository), deleteUntagged, cutoff);
      Instant at = clock.instant();
      for (List<Digest> level : plan.manifestLevels()) {
        for (List<Digest> batch : batches(level, BATCH)) {
          long deleted = dryRun ? batch.size() : sweep.deleteManifests(repository, batch, cutoff, caller, at).size();
          if (deleted > 0) {
            tally.manifests += deleted;
            tally.of(repository)[0] += deleted;
          }
          observer.progress(MANIFESTS, tally::report);
        }
      }
      for (List<RegistrySweep.Link> batch : batches(plan.links(), BATCH)) {
        Set<Digest> removed = dryRun ? null
            : sweep.unlink(repository, batch.stream().map(RegistrySweep.Link::digest).toList(), cutoff);
        for (RegistrySweep.Link link : batch) {
          if (removed == null || removed.contains(link.digest())) {
            unlinked.computeIfAbsent(link.digest(), d -> new HashSet<>()).add(repository);
            sizes.put(link.digest(), link.size());
            tally.links++;
            tally.of(repository)[1]++;
          }
        }
        observer.progress(LINKS, tally::report);
      }
    }

    /**
     * Blobs that lost their last link here and blobs no repository linked already. The links left of
     * each are read once: a dry run subtracts those it would remove; a namespace whose last link of a
     * blob went releases the blob's bytes from its usage either way.
     */
    void blobs() {
      List<Digest> freedHere = new ArrayList<>();
      for (List<Digest> batch : batches(List.copyOf(unlinked.keySet()), BATCH)) {
        Map<Digest, List<RepositoryName>> left = sweep.linksOf(batch);
        for (Digest digest : batch) {
          List<RepositoryName> remaining = new ArrayList<>(left.getOrDefault(digest, List.of()));
          if (dryRun) {
            remaining.removeAll(unlinked.get(digest));
          }
          Set<String> stillLinking = new HashSet<>();
          remaining.forEach(r -> stillLinking.add(namespace(r)));
          unlinked.get(digest).stream().map(GarbageCollector::namespace).distinct()
              .filter(n -> !stillLinking.contains(n)).forEach(n -> tally.namespaces.get(n)[2] += sizes.get(digest));
          if (remaining.isEmpty()) {
            freedHere.add(digest);
          }
        }
        observer.progress(BLOBS, tally::report);
      }
      if (dryRun) {
        freedHere.forEach(d -> {
          tally.blobs++;
          tally.bytes += sizes.get(d);
        });
      }
      observer.progress(BLOBS, tally::report);
      // Already unlinked blobs; in a real run these include the ones unlinked above.
      String after = "";
      while (true) {
        List<RegistrySweep.Blob> page = sweep.unlinkedBlobs(after, BATCH);
        for (List<RegistrySweep.Blob> batch : batches(page, BLOB_BATCH)) {
          if (dryRun) {
            batch.forEach(b -> {
              tally.blobs++;
              tally.bytes += b.size();
            });
          } else {
            sweep.deleteBlobs(batch.stream().map(RegistrySweep.Blob::digest).toList()).values().forEach(size -> {
              tally.blobs++;
              tally.bytes += size;
            });
          }
          observer.progress(BLOBS, tally::report);
        }
        if (page.size() < BATCH) {
          return;
        }
        after = page.getLast().digest().toString();
      }
    }

    void orphans() throws IOException {
      long now = clock.millis();
      sweep.orphanFiles(cutoff, BATCH, found -> {
        for (StoredBlob file : found) {
          if (dryRun || sweep.deleteOrphanFile(file.digest(), now)) {
            tally.orphanFiles++;
            tally.orphanBytes += file.size();
          }
        }
        observer.progress(ORPHANS, tally::report);
      });
      observer.progress(ORPHANS, tally::report);
    }
  }

  private static <T> List<List<T>> batches(List<T> items, int size) {
    List<List<T>> batches = new ArrayList<>();
    for (int i = 0; i < items.size(); i += size) {
      batches.add(items.subList(i, Math.min(items.size(), i + size)));
    }
    return batches;
  }
}
