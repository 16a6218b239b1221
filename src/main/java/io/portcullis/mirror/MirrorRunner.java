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
import io.portcullis.mirror.upstream.UpstreamClient;
import io.portcullis.mirror.upstream.UpstreamConnector;
import io.portcullis.mirror.upstream.UpstreamException;
import io.portcullis.registry.BlobService;
import io.portcullis.registry.ManifestService;
import io.portcullis.registry.UploadService;
import io.portcullis.shared.ByteSource;
import io.portcullis.shared.Caller;
import io.portcullis.shared.Digest;
import io.portcullis.shared.MediaTypes;
import io.portcullis.shared.RegistryError;
import io.portcullis.shared.RegistryException;
import io.portcullis.shared.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
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
 * Runs a mirror: lists the upstream's tags, keeps those the filter selects, and for each asks HEAD
 * for its digest; only a tag whose upstream digest differs from the one last copied costs a GET.
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
  /** Blob bytes per upload chunk: a broken connection costs at most this much again. */
  private static final int CHUNK = 8 * 1024 * 1024;
  private static final int MAX_RESUMES = 5;
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
  private final UploadService uploads;
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
    this.uploads = uploads;
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
    UpstreamClient client = connector.connect(mirror.upstream(), mirrors.credentials(mirror).orElse(null), run::pause);
    run.client = client;
    try {
      copy(run);
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

  private void copy(Run run) throws InterruptedException {
    Mirror mirror = run.mirror;
    run.message = "listing tags";
    run.report();
    String listed = mirror.id() + " " + mirror.upstream();
    UpstreamClient.TagList listing = run.client.tags(listings.getIfPresent(listed));
    listings.put(listed, listing);
    java.util.List<String> tags = listing.tags();
    java.util.List<String> selected = mirror.tags().apply(tags);
    run.seen = tags.size();
    run.selected = selected.size();
    Map<String, MirrorStore.Copied> copied = db.readOnly(tx -> store.copied(tx, mirror.id()));
    Semaphore tagsAtOnce = new Semaphore(transfers);
    try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
      java.util.List<Future<?>> running = new java.util.ArrayList<>();
      for (String tag : selected) {
        running.add(workers.submit(() -> {
          tagsAtOnce.acquire();
          try {
            copyCounted(run, tag, copied.get(tag));
          } finally {
            tagsAtOnce.release();
          }
          return null;
        }));
      }
      awaitAll(running);
    }
  }

  /** Copies a tag, counting it as failed (the run goes on) unless its failure must end the run. */
  private void copyCounted(Run run, String tag, MirrorStore.Copied previous) {
    run.started(tag);
    try {
      copyTag(run, tag, previous);
    } catch (UpstreamException.Corrupt e) {
      throw e;
    } catch (UpstreamException | RegistryException | IOException e) {
      run.failed(tag, e.getMessage());
      log.warn("mirror {}: tag {} failed: {}", run.mirror.target(), tag, e.getMessage());
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
      store.recordCopied(tx, mirror.id(), tag, new MirrorStore.Copied(manifest.digest(), stored), at);
      events.append(tx, new Event(0, EventType.IMAGE_MIRRORED, at, run.caller, mirror.target(), stored, local,
          manifest.mediaType(), "mirror " + mirror.id(), Map.of("upstream", mirror.upstream() + ":" + tag,
              "upstreamDigest", manifest.digest().toString())));
      return null;
    });
    run.done(previous == null ? Outcome.ADDED : Outcome.UPDATED);
  }

  private Optional<Digest> localTag(Run run, Tag tag) {
    try {
      return Optional.of(manifests.get(run.mirror.target(), new ManifestService.ByTag(tag), false, run.caller).digest());
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
      copyBlobs(run, descriptors);
    }
    return manifests.put(run.mirror.target(), reference, manifest.mediaType(), payload, run.caller).digest();
  }

  private static String text(JsonNode node, String field) {
    return node == null || !node.hasNonNull(field) ? null : node.get(field).asText();
  }

  /**
   * Copies the blobs, up to {@code transfers} of the run's at once. A blob another tag of the run is
   * already copying is waited for, not downloaded twice (tags often share their base layers).
   */
  private void copyBlobs(Run run, java.util.List<JsonNode> descriptors) throws IOException {
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
              copyBlob(run, digest, size);
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

  /**
   * Copies one blob unless the target has it: streamed into an upload session in chunks, resumed with
   * a Range request after a broken connection, and committed only when the registry's own hash of
   * every byte matches the descriptor.
   */
  private void copyBlob(Run run, Digest digest, long size) throws IOException {
    if (blobs.size(run.mirror.target(), digest).isPresent()) {
      return;
    }
    UploadService.Status status = uploads.start(run.mirror.target());
    boolean committed = false;
    try {
      long offset = 0;
      for (int resumes = 0; ; resumes++) {
        try (UpstreamClient.BlobBody body = run.client.blob(digest, offset)) {
          while (true) {
            Chunk chunk = new Chunk(body.stream(), size < 0 ? Long.MAX_VALUE : size - offset + 1);
            status = uploads.append(run.mirror.target(), status.id(), status.state(), null, -1, chunk);
            run.bytes.addAndGet(chunk.read);
            offset = status.offset();
            if (size >= 0 && offset > size) {
              throw new UpstreamException.Corrupt("blob " + digest + " from " + run.client.upstream()
                  + " is longer than the " + size + " bytes its descriptor says");
            }
            if (chunk.ended) {
              break;
            }
          }
          break;
        } catch (IOException e) {
          if (resumes >= MAX_RESUMES) {
            throw new UpstreamException("blob " + digest + " from " + run.client.upstream() + " broke off "
                + (resumes + 1) + " times: " + e.getMessage(), e);
          }
          // The chunk that broke was cut back: resume where the session stands.
          status = uploads.status(run.mirror.target(), status.id(), status.state());
          offset = status.offset();
          log.info("mirror {}: blob {} broke off at byte {}; resuming", run.mirror.target(), digest, offset);
        }
      }
      if (size >= 0 && offset != size) {
        throw new UpstreamException.Corrupt("blob " + digest + " from " + run.client.upstream() + " has " + offset
            + " bytes, not the " + size + " its descriptor says");
      }
      try {
        uploads.complete(run.mirror.target(), status.id(), status.state(), digest, null, -1, ByteSource.EMPTY,
            run.caller);
        committed = true;
      } catch (RegistryException e) {
        if (e.error() == RegistryError.DIGEST_INVALID) {
          committed = true;
          throw new UpstreamException.Corrupt("blob " + digest + " from " + run.client.upstream()
              + " does not match its digest (" + e.getMessage() + "); nothing was stored");
        }
        throw e;
      }
    } finally {
      if (!committed) {
        uploads.discard(status.id());
      }
    }
  }

  /** Up to {@link #CHUNK} bytes of the upstream body (never more than {@code limit}), as an upload chunk. */
  private static final class Chunk implements ByteSource {
    private final InputStream in;
    private final long limit;
    long read;
    boolean ended;

    Chunk(InputStream in, long limit) {
      this.in = in;
      this.limit = limit;
    }

    @Override
    public void forEach(Sink sink) throws IOException {
      byte[] buffer = new byte[1 << 16];
      long max = Math.min(CHUNK, limit);
      while (read < max) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, max - read));
        if (n < 0) {
          ended = true;
          return;
        }
        sink.accept(ByteBuffer.wrap(buffer, 0, n));
        read += n;
      }
      if (read >= limit) {
        // At the limit the upstream sent too much; the caller sees the offset past the size.
        ended = true;
      }
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
    UpstreamClient client;
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

    synchronized void started(String tag) {
      message = "tag " + tag;
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

    synchronized MirrorRun snapshot(String state, Instant finished, Instant waitingUntil) {
      MirrorRun.Budget budget = client == null ? null : client.budget()
          .map(b -> new MirrorRun.Budget(b.limit(), b.remaining())).orElse(null);
      return new MirrorRun(id, mirror.id(), jobId, state, started, finished, waitingUntil,
          new MirrorRun.Counts(seen, selected, added, updated, unchanged, failed, bytes.get(),
              client == null ? 0 : client.requests()), budget, message);
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
