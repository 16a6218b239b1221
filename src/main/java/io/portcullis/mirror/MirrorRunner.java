package io.portcullis.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.events.Event;
import io.portcullis.events.EventLog;
import io.portcullis.events.EventType;
import io.portcullis.jobs.Job;
import io.portcullis.jobs.JobHandler;
import io.portcullis.metadata.Database;
import io.portcullis.mirror.upstream.Upstream;
import io.portcullis.mirror.upstream.UpstreamClient;
import io.portcullis.mirror.upstream.UpstreamConnector;
import io.portcullis.mirror.upstream.UpstreamException;
import io.portcullis.registry.BlobService;
import io.portcullis.registry.ManifestService;
import io.portcullis.registry.UploadService;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.MediaTypes;
import io.portcullis.shared.RegistryError;
import io.portcullis.shared.RegistryException;
import io.portcullis.shared.RepositoryName;
import io.portcullis.shared.Tag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a mirror. A pull mirror lists the upstream's tags (a namespace mirror first lists the
 * registry's repositories under the namespace and does so for each), keeps those the filter selects,
 * and for each asks HEAD for its digest; only a tag whose upstream digest differs from the one last
 * copied costs a GET. A push mirror runs the other way ({@link #push}).
 * Content is written through the registry's own push path (uploads, blob commit, manifest put), so
 * it is verified, evented and scanned on push like any push, and a blob the target already has is
 * not downloaded again.
 *
 * <p>Failures: a tag that cannot be copied is counted and the run goes on, ending failed; content
 * that does not match its digest ends the run at once (the upstream, or something between, is
 * hostile or broken), with nothing of that image stored. A spent rate-limit budget pauses the run,
 * visibly ({@code waiting} until the budget refills), instead of failing it.
 */
public final class MirrorRunner implements JobHandler {
  private static final Logger log = LoggerFactory.getLogger(MirrorRunner.class);
  /** Passes of a push run over the local tags; each after the first only if the one before pushed. */
  private static final int MAX_PUSH_PASSES = 5;
  /** How often a waiting run renews its job's lease. */
  private static final Duration HEARTBEAT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Told of every finished run, for metrics. */
  public interface Listener {
    void finished(Mirror mirror, MirrorRun run);
  }

  private final MirrorService mirrors;
  private final MirrorStore store;
  private final Database db;
  private final UpstreamConnector connector;
  private final ManifestService manifests;
  private final BlobService blobs;
  private final BlobCopy copier;
  private final EventLog events;
  private final Clock clock;
  private final Listener listener;
  private final int transfers;
  /**
   * Each mirror's last tag listing, by mirror and upstream, asked for again with its validator.
   * Kept in memory only: a restart or another replica costs one full listing, no more.
   */
  private final Cache<String, UpstreamClient.TagList> listings = Caffeine.newBuilder().maximumSize(10_000).build();

  /** @param transfers tags, and separately blobs, a run copies at once */
  public MirrorRunner(MirrorService mirrors, MirrorStore store, Database db, UpstreamConnector connector,
      ManifestService manifests, BlobService blobs, UploadService uploads, EventLog events, Clock clock,
      Listener listener, int transfers) {
    this.mirrors = mirrors;
    this.store = store;
    this.db = db;
    this.connector = connector;
    this.manifests = manifests;
    this.blobs = blobs;
    this.copier = new BlobCopy(uploads);
    this.events = events;
    this.clock = clock;
    this.listener = listener;
    this.transfers = transfers;
  }

  @Override
  public void run(Job job, Progress progress) throws Exception {
    Optional<Mirror> found = mirrors.forJob(job.subject());
    if (found.isEmpty()) {
      // Deleted after the job was queued: nothing to do.
      return;
    }
    Mirror mirror = found.get();
    Instant started = clock.instant();
    long runId = db.inTransaction(tx -> {
      // One job per mirror runs at a time, so a run still open is one whose runner died (its job's
      // lease ran out and brought the job here): it ended, without a word.
      store.abandonRuns(tx, mirror.id(), started, "interrupted: its runner stopped before it finished");
      return store.insertRun(tx, mirror.id(), job.id(), started);
    });
    Run run = new Run(mirror, runId, job.id(), started, progress);
    UpstreamClient.Credentials credentials = mirrors.credentials(mirror).orElse(null);
    try {
      if (mirror.isPush()) {
        run.use(connector.connectForPush(mirror.upstream(), credentials, run::pause), mirror.target(), "");
        push(run);
      } else if (mirror.namespace()) {
        copyNamespace(run, credentials);
      } else {
        run.use(connector.connect(mirror.upstream(), credentials, run::pause), mirror.target(), "");
        copy(run);
      }
    } catch (UpstreamException.Corrupt e) {
      run.fail(e.getMessage());
      throw new Permanent(e.getMessage(), e);
    } catch (RuntimeException e) {
      run.fail(e.getMessage() == null ? e.toString() : e.getMessage());
      throw e;
    }
    if (run.failed > 0) {
      String reason = run.failed + " of " + run.selected + " tags failed; first: " + run.firstFailure;
      run.fail(reason);
      throw new Permanent(reason);
    }
    run.finish(MirrorRun.SUCCEEDED, run.added + " added, " + run.updated + " updated, " + run.unchanged
        + " unchanged");
  }

  /**
   * Copies every repository of the upstream namespace that the repository filter keeps into the
   * local namespace, one after the other, with the same tag filters; counts add up in the one run.
   */
  private void copyNamespace(Run run, UpstreamClient.Credentials credentials) throws InterruptedException {
    Mirror mirror = run.mirror;
    run.use(connector.connect(mirror.upstream(), credentials, run::pause), mirror.target(), "");
    run.message = "listing the repositories under " + mirror.upstream();
    run.report();
    for (String repository : run.client.catalog(mirror.upstream().repository())) {
      Optional<RepositoryName> local = mirror.localFor(repository);
      if (local.isEmpty()) {
        continue;
      }
      run.use(connector.connect(new Upstream(mirror.upstream().registry(), repository), credentials, run::pause),
          local.get(), repository);
      run.repositories++;
      copy(run);
    }
  }

  private void copy(Run run) throws InterruptedException {
    Mirror mirror = run.mirror;
    run.message = "listing tags" + run.where();
    run.report();
    String listed = mirror.id() + " " + run.client.upstream();
    UpstreamClient.TagList listing = run.client.tags(listings.getIfPresent(listed));
    listings.put(listed, listing);
    java.util.List<String> tags = listing.tags();
    java.util.List<String> selected = mirror.tags().apply(tags);
    run.seen += tags.size();
    run.selected += selected.size();
    Map<String, MirrorStore.Copied> copied = db.readOnly(tx -> store.copied(tx, mirror.id(), run.key));
    eachTagAtOnce(run, selected, tag -> () -> copyTag(run, tag, copied.get(tag)));
  }

  /** The copy of one tag (either way), or of one blob. */
  @FunctionalInterface
  private interface Transfer {
    void run() throws IOException;
  }

  @FunctionalInterface
  private interface BlobTransfer {
    void copy(Run run, Digest digest, long size) throws IOException;
  }

  /** Transfers the tags, up to {@code transfers} at once, each {@linkplain #counted counted}. */
  private void eachTagAtOnce(Run run, java.util.List<String> tags,
      java.util.function.Function<String, Transfer> transfer) throws InterruptedException {
    Semaphore tagsAtOnce = new Semaphore(transfers);
    try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
      java.util.List<Future<?>> running = new java.util.ArrayList<>();
      for (String tag : tags) {
        running.add(workers.submit(() -> {
          tagsAtOnce.acquire();
          try {
            counted(run, tag, transfer.apply(tag));
          } finally {
            tagsAtOnce.release();
          }
          return null;
        }));
      }
      awaitAll(running);
    }
  }

  /** Transfers a tag, counting it as failed (the run goes on) unless its failure must end the run. */
  private void counted(Run run, String tag, Transfer transfer) {
    run.started(tag);
    try {
      transfer.run();
    } catch (UpstreamException.Corrupt e) {
      throw e;
    } catch (UpstreamException | RegistryException | IOException e) {
      run.failed(tag + run.where(), e.getMessage());
      log.warn("mirror {}: tag {}{} failed: {}", run.mirror.target(), tag, run.where(), e.getMessage());
    }
  }

  /**
   * Waits for every task; the first that fails cancels the others (interrupting their transfers,
   * whose upload sessions are then discarded) and its failure is the caller's.
   */
  private static void awaitAll(java.util.List<? extends Future<?>> tasks) throws InterruptedException {
    try {
      for (Future<?> task : tasks) {
        try {
          task.get();
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException runtime) {
            throw runtime;
          }
          if (cause instanceof Error error) {
            throw error;
          }
          if (cause instanceof IOException io) {
            throw new UncheckedIOException(io);
          }
          throw new UpstreamException(cause.toString(), cause);
        }
      }
    } finally {
      tasks.forEach(task -> task.cancel(true));
    }
  }

  private void copyTag(Run run, String tag, MirrorStore.Copied previous) throws IOException {
    Mirror mirror = run.mirror;
    Tag local = mirror.tagTemplate().apply(tag).orElseThrow(() -> new UpstreamException(
        "the tag template makes no valid tag of " + tag, 0));
    Optional<Digest> head = run.client.head(tag)
        .orElseThrow(() -> new UpstreamException("tag " + tag + " is gone upstream", 404)).digest();
    if (head.isPresent() && previous != null && previous.upstream().equals(head.get())
        && localTag(run, local).filter(previous.local()::equals).isPresent()) {
      run.done(Outcome.UNCHANGED);
      return;
    }
    UpstreamClient.Manifest manifest = run.client.manifest(head.map(Digest::toString).orElse(tag))
        .orElseThrow(() -> new UpstreamException("tag " + tag + " is gone upstream", 404));
    Digest stored = put(run, manifest, new ManifestService.ByTag(local));
    Instant at = clock.instant();
    db.inTransaction(tx -> {
      store.recordCopied(tx, mirror.id(), run.key, tag, new MirrorStore.Copied(manifest.digest(), stored), at);
      events.append(tx, new Event(0, EventType.IMAGE_MIRRORED, at, run.caller, run.local, stored, local,
          manifest.mediaType(), "mirror " + mirror.id(), Map.of("upstream", run.client.upstream() + ":" + tag,
              "upstreamDigest", manifest.digest().toString())));
      return null;
    });
    run.done(previous == null ? Outcome.ADDED : Outcome.UPDATED);
  }

  private Optional<Digest> localTag(Run run, Tag tag) {
    try {
      return Optional.of(manifests.get(run.local, new ManifestService.ByTag(tag), false, run.caller).digest());
    } catch (RegistryException e) {
      if (e.error() == RegistryError.MANIFEST_UNKNOWN) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Stores a manifest with everything it references, children first. An index filtered to some
   * platforms is written anew without the others' entries (see docs/mirroring.md for why), so its
   * digest differs from the upstream's; any other manifest keeps its bytes and digest.
   */
  private Digest put(Run run, UpstreamClient.Manifest manifest, ManifestService.Reference reference)
      throws IOException {
    JsonNode json = JSON.readTree(manifest.payload());
    byte[] payload = manifest.payload();
    if (MediaTypes.isIndex(manifest.mediaType())) {
      ArrayNode kept = JSON.createArrayNode();
      for (JsonNode child : json.path("manifests")) {
        JsonNode platform = child.get("platform");
        if (!run.mirror.platforms().matches(text(platform, "os"), text(platform, "architecture"),
            text(platform, "variant"))) {
          continue;
        }
        Digest digest = Digest.parse(child.path("digest").asText());
        UpstreamClient.Manifest fetched = run.client.manifest(digest.toString())
            .orElseThrow(() -> new UpstreamException("child manifest " + digest + " is missing upstream", 404));
        put(run, fetched, new ManifestService.ByDigest(digest));
        kept.add(child);
      }
      if (kept.isEmpty()) {
        throw new UpstreamException("no manifest of the index matches the platforms "
            + run.mirror.platforms().platforms(), 0);
      }
      if (kept.size() != json.path("manifests").size()) {
        ObjectNode filtered = ((ObjectNode) json).deepCopy();
        filtered.set("manifests", kept);
        payload = JSON.writeValueAsBytes(filtered);
      }
    } else {
      java.util.List<JsonNode> descriptors = new java.util.ArrayList<>();
      descriptors.add(json.path("config"));
      json.path("layers").forEach(descriptors::add);
      copyBlobs(run, descriptors, this::copyBlob);
    }
    return manifests.put(run.local, reference, manifest.mediaType(), payload, run.caller).digest();
  }

  private static String text(JsonNode node, String field) {
    return node == null || !node.hasNonNull(field) ? null : node.get(field).asText();
  }

  /**
   * Copies the blobs, up to {@code transfers} of the run's at once. A blob another tag of the run is
   * already copying is waited for, not downloaded twice (tags often share their base layers).
   */
  private void copyBlobs(Run run, java.util.List<JsonNode> descriptors, BlobTransfer transfer) throws IOException {
    try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
      java.util.List<Future<?>> copies = new java.util.ArrayList<>();
      for (JsonNode descriptor : descriptors) {
        if (descriptor.isMissingNode() || descriptor.has("urls")) {
          // No config (an artifact) or a foreign layer, which registries do not serve.
          continue;
        }
        Digest digest = Digest.parse(descriptor.path("digest").asText());
        long size = descriptor.path("size").asLong(-1);
        copies.add(workers.submit(() -> {
          CompletableFuture<Void> mine = new CompletableFuture<>();
          for (CompletableFuture<Void> copying; (copying = run.blobsInFlight.putIfAbsent(digest, mine)) != null; ) {
            try {
              return copying.get();
            } catch (ExecutionException othersFailed) {
              // Its tag counts that failure; this tag tries for itself.
            }
          }
          try {
            run.blobsAtOnce.acquire();
            try {
              transfer.copy(run, digest, size);
            } finally {
              run.blobsAtOnce.release();
            }
            mine.complete(null);
          } catch (Throwable e) {
            mine.completeExceptionally(e);
            // Another tag may succeed where this one failed (a broken connection): let it try again.
            run.blobsInFlight.remove(digest, mine);
            throw e;
          }
          return null;
        }));
      }
      awaitAll(copies);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UpstreamException("interrupted while copying blobs", e);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Copies one blob unless the target has it ({@link BlobCopy}: chunked, resumed, verified). */
  private void copyBlob(Run run, Digest digest, long size) throws IOException {
    if (blobs.size(run.local, digest).isPresent()) {
      return;
    }
    // Every byte staged counts as it arrives, so a running run shows its progress.
    copier.copy(run.client, run.local, digest, size, run.caller,
        (offset, bytes) -> run.bytes.addAndGet(bytes.remaining()));
  }

  /**
   * Pushes the selected tags of the local repository whose manifest is not what was pushed last
   * (or is no longer at the remote: a HEAD there, which costs no GET) to the remote repository,
   * children before their index, blobs before their manifest, and the tag last; up to {@code
   * transfers} tags at once, a blob shared by tags once, as pull runs copy. A tag pushed while
   * the run goes (its event joins this very job) is taken up by another pass over the local tags,
   * which costs no request for what is already done.
   */
  private void push(Run run) throws IOException, InterruptedException {
    Mirror mirror = run.mirror;
    Map<String, Digest> done = new java.util.HashMap<>();
    for (int pass = 0; pass < MAX_PUSH_PASSES; pass++) {
      run.message = pass == 0 ? "listing local tags" : "looking for tags pushed meanwhile";
      run.report();
      java.util.List<String> tags = localTags(mirror.target());
      run.seen = Math.max(run.seen, tags.size());
      Map<String, MirrorStore.Copied> copied = db.readOnly(tx -> store.copied(tx, mirror.id(), ""));
      Map<String, ManifestService.Manifest> todo = new java.util.LinkedHashMap<>();
      for (String tag : mirror.tags().apply(tags)) {
        Optional<ManifestService.Manifest> local = localManifest(run, new ManifestService.ByTag(new Tag(tag)));
        if (local.isEmpty() || local.get().digest().equals(done.get(tag))) {
          // Deleted since it was listed, or already dealt with in this run.
          continue;
        }
        if (done.put(tag, local.get().digest()) == null) {
          run.selected++;
        }
        todo.put(tag, local.get());
      }
      boolean checkRemote = pass == 0;
      java.util.concurrent.atomic.AtomicBoolean pushed = new java.util.concurrent.atomic.AtomicBoolean();
      eachTagAtOnce(run, java.util.List.copyOf(todo.keySet()), tag -> () -> {
        if (pushTag(run, tag, todo.get(tag), copied.get(tag), checkRemote)) {
          pushed.set(true);
        }
      });
      if (!pushed.get()) {
        return;
      }
    }
  }

  /** Pushes one tag unless the remote has it as last pushed; returns whether it pushed. */
  private boolean pushTag(Run run, String tag, ManifestService.Manifest local, MirrorStore.Copied previous,
      boolean checkRemote) throws IOException {
    Mirror mirror = run.mirror;
    Tag remote = mirror.tagTemplate().apply(tag).orElseThrow(() -> new UpstreamException(
        "the tag template makes no valid tag of " + tag, 0));
    if (previous != null && previous.local().equals(local.digest())) {
      if (!checkRemote || run.client.head(remote.value()).flatMap(UpstreamClient.ManifestHead::digest)
          .filter(previous.upstream()::equals).isPresent()) {
        run.done(Outcome.UNCHANGED);
        return false;
      }
    }
    pushManifest(run, local);
    Digest pushed = run.client.putManifest(remote.value(), local.mediaType(), local.payload());
    Instant at = clock.instant();
    db.inTransaction(tx -> {
      store.recordCopied(tx, mirror.id(), "", tag, new MirrorStore.Copied(pushed, local.digest()), at);
      events.append(tx, new Event(0, EventType.IMAGE_PUSHED_TO_MIRROR, at, run.caller, mirror.target(),
          local.digest(), new Tag(tag), local.mediaType(), "mirror " + mirror.id(),
          Map.of("remote", mirror.upstream() + ":" + remote.value(), "remoteDigest", pushed.toString())));
      return null;
    });
    run.done(previous == null ? Outcome.ADDED : Outcome.UPDATED);
    return true;
  }

  /** Puts what a manifest references at the remote: an index's children (by digest), an image's blobs. */
  private void pushManifest(Run run, ManifestService.Manifest manifest) throws IOException {
    JsonNode json = JSON.readTree(manifest.payload());
    if (MediaTypes.isIndex(manifest.mediaType())) {
      for (JsonNode child : json.path("manifests")) {
        Digest digest = Digest.parse(child.path("digest").asText());
        if (run.client.head(digest.toString()).isPresent()) {
          continue;
        }
        ManifestService.Manifest stored = localManifest(run, new ManifestService.ByDigest(digest))
            .orElseThrow(() -> new UpstreamException("child manifest " + digest + " is missing locally", 0));
        pushManifest(run, stored);
        run.client.putManifest(digest.toString(), stored.mediaType(), stored.payload());
      }
      return;
    }
    java.util.List<JsonNode> descriptors = new java.util.ArrayList<>();
    descriptors.add(json.path("config"));
    json.path("layers").forEach(descriptors::add);
    copyBlobs(run, descriptors, this::pushBlob);
  }

  /**
   * Puts one blob at the remote unless it is there: mounted from another repository of the same
   * registry that a push mirror put it in, else uploaded whole, streamed from the blob store. The
   * remote checks the digest of what it receives. The descriptor's {@code size} is not needed: the
   * stored blob's size, checked when it was pushed here, is what goes up.
   */
  private void pushBlob(Run run, Digest digest, long size) throws IOException {
    String registry = run.mirror.upstream().registry().toString();
    String repository = run.mirror.upstream().repository();
    if (!run.client.hasBlob(digest)) {
      Optional<String> from = db.readOnly(tx -> store.pushedBlob(tx, registry, digest, repository));
      Optional<java.net.URI> session = from.isPresent() ? run.client.mount(digest, from.get())
          : Optional.of(run.client.startUpload());
      if (session.isEmpty()) {
        run.mounted();
      } else {
        long stored = blobs.size(run.local, digest).orElseThrow(() -> new UpstreamException("blob " + digest
            + " is missing locally", 0));
        run.client.upload(session.get(), digest, stored, () -> {
          try {
            // Each attempt reads anew: a stream of the blob store can be read once only.
            return blobs.read(run.local, digest);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
        run.bytes.addAndGet(stored);
      }
    }
    Instant at = clock.instant();
    db.inTransaction(tx -> {
      store.recordPushedBlob(tx, registry, repository, digest, at);
      return null;
    });
  }

  private Optional<ManifestService.Manifest> localManifest(Run run, ManifestService.Reference reference) {
    try {
      return Optional.of(manifests.get(run.local, reference, false, run.caller));
    } catch (RegistryException e) {
      if (e.error() == RegistryError.MANIFEST_UNKNOWN || e.error() == RegistryError.NAME_UNKNOWN) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Every tag of a local repository (none when it does not exist yet). */
  private java.util.List<String> localTags(RepositoryName repository) {
    java.util.List<String> all = new java.util.ArrayList<>();
    String last = null;
    while (true) {
      java.util.List<String> page;
      try {
        page = manifests.tags(repository, last, ManifestService.MAX_PAGE);
      } catch (RegistryException e) {
        if (e.error() == RegistryError.NAME_UNKNOWN) {
          return all;
        }
        throw e;
      }
      boolean more = page.size() > ManifestService.MAX_PAGE;
      all.addAll(more ? page.subList(0, ManifestService.MAX_PAGE) : page);
      if (!more) {
        return all;
      }
      last = all.getLast();
    }
  }

  private enum Outcome { ADDED, UPDATED, UNCHANGED }

  /**
   * A run as it goes: counts, its row in mirror_runs and its job's progress. Its tags are copied
   * by several threads at once, so counts change under its lock and every write of its row is a
   * snapshot taken under the same lock.
   */
  private final class Run {
    final Mirror mirror;
    final long id;
    final long jobId;
    final Instant started;
    final Progress progress;
    final Caller caller;
    final Map<Digest, CompletableFuture<Void>> blobsInFlight = new ConcurrentHashMap<>();
    final Semaphore blobsAtOnce = new Semaphore(transfers);
    final AtomicLong bytes = new AtomicLong();
    /** The remote repository being copied from or to now, and its local counterpart. */
    UpstreamClient client;
    RepositoryName local;
    /** The copied-tag records' repository: the upstream repository of a namespace mirror, else "". */
    String key = "";
    /** Requests of the clients of repositories done (a namespace mirror has one per repository). */
    long requestsBefore;
    int repositories;
    int mounted;
    int seen;
    int selected;
    int added;
    int updated;
    int unchanged;
    int failed;
    String message;
    String firstFailure;

    Run(Mirror mirror, long id, long jobId, Instant started, Progress progress) {
      this.mirror = mirror;
      this.id = id;
      this.jobId = jobId;
      this.started = started;
      this.progress = progress;
      this.caller = new Caller("mirror:" + mirror.id(), "local", "job-" + jobId);
    }

    /**
     * Moves on to another remote repository (a namespace mirror's next one, or the first); the blobs
     * copied so far were linked to the previous local repository, not to the next.
     */
    synchronized void use(UpstreamClient next, RepositoryName nextLocal, String nextKey) {
      if (client != null) {
        requestsBefore += client.requests();
      }
      client = next;
      local = nextLocal;
      key = nextKey;
      blobsInFlight.clear();
    }

    /** Where a namespace mirror is, for messages; nothing for the others. */
    String where() {
      return key.isEmpty() ? "" : " of " + key;
    }

    synchronized void started(String tag) {
      message = "tag " + tag + where();
      report();
    }

    synchronized void done(Outcome outcome) {
      switch (outcome) {
        case ADDED -> added++;
        case UPDATED -> updated++;
        case UNCHANGED -> unchanged++;
      }
    }

    synchronized void failed(String tag, String reason) {
      failed++;
      if (firstFailure == null) {
        firstFailure = tag + ": " + reason;
      }
    }

    synchronized void mounted() {
      mounted++;
    }

    synchronized MirrorRun snapshot(String state, Instant finished, Instant waitingUntil) {
      MirrorRun.Budget budget = client == null ? null : client.budget()
          .map(b -> new MirrorRun.Budget(b.limit(), b.remaining())).orElse(null);
      return new MirrorRun(id, mirror.id(), jobId, state, started, finished, waitingUntil,
          new MirrorRun.Counts(seen, selected, added, updated, unchanged, failed,
              mirror.namespace() ? repositories : 1, mounted, bytes.get(),
              requestsBefore + (client == null ? 0 : client.requests())), budget, message);
    }

    synchronized void report() {
      write(snapshot(MirrorRun.RUNNING, null, null));
      progress.update(added + updated + unchanged + failed, selected, message);
    }

    /** Called by each copying thread the budget stops; the run is {@code waiting} while any is. */
    void pause(Instant until, String why) throws InterruptedException {
      synchronized (this) {
        message = "waiting for the rate limit until " + until + ": " + why;
        write(snapshot(MirrorRun.WAITING, null, until));
        log.info("mirror {}: {}", mirror.target(), message);
      }
      while (true) {
        long left = Duration.between(clock.instant(), until).toMillis();
        if (left <= 0) {
          break;
        }
        synchronized (this) {
          progress.update(added + updated + unchanged + failed, selected, message);
        }
        Thread.sleep(Math.min(left, HEARTBEAT.toMillis()));
      }
      synchronized (this) {
        message = "resumed after waiting for the rate limit";
        report();
      }
    }

    synchronized void fail(String reason) {
      message = reason;
      MirrorRun ended = finish(MirrorRun.FAILED, reason);
      db.inTransaction(tx -> {
        events.append(tx, Event.change(EventType.MIRROR_RUN_FAILED, ended.finishedAt(), caller, "mirror " + mirror.id(),
            mirror.target(), Map.of("run", String.valueOf(id), "reason", reason.length() > 500
                ? reason.substring(0, 500) : reason)));
        return null;
      });
    }

    synchronized MirrorRun finish(String state, String summary) {
      message = summary;
      MirrorRun ended = snapshot(state, clock.instant(), null);
      write(ended);
      listener.finished(mirror, ended);
      return ended;
    }

    private void write(MirrorRun snapshot) {
      db.inTransaction(tx -> {
        store.updateRun(tx, snapshot);
        return null;
      });
    }
  }
}
