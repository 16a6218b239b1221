package io.portcullis.web;

import io.portcullis.events.EventLog;
import io.portcullis.gc.GcReport;
import io.portcullis.gc.GcRun;
import io.portcullis.jobs.Job;
import io.portcullis.jobs.JobQueue;
import io.portcullis.mirror.MirrorRun;
import io.portcullis.mirror.cache.PullThroughCache;
import io.portcullis.quota.NamespaceUsage;
import io.portcullis.registry.BlobService;
import io.portcullis.scan.VulnerabilityDatabase;
import io.portcullis.webhooks.WebhookStore;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The registry's Prometheus metrics and their text exposition. */
public final class Metrics {
  private static final Logger log = LoggerFactory.getLogger(Metrics.class);
  /** Gauges read from the database are read again at most this often, however often they are scraped. */
  static final Duration DATABASE_READ_INTERVAL = Duration.ofSeconds(10);

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Clock clock;
  private final Counter requests;
  private final Histogram durations;
  private final Counter bytesIn;
  private final Counter bytesOut;
  private final Histogram scanDurations;
  private final Counter scans;
  private final Counter webhookAttempts;
  private final Histogram webhookDurations;
  private final Counter mirrorRuns;
  private final Counter policyEvaluations;
  private final Counter promotions;
  private final Counter mirrorTags;
  private final Counter mirrorBytes;
  private final Counter mirrorSentBytes;
  private final Counter mirrorMounts;
  private final Counter mirrorRequests;
  private final Counter pullsRefused;
  private final Counter cacheHits;
  private final Counter cacheMisses;
  private final Counter cacheFetches;
  private final Counter cacheStale;
  private final Counter quotaRefusals;
  private final Counter gcRuns;
  private final Counter gcFreedBytes;
  private final Counter gcDeleted;
  private final Histogram gcDurations;
  private final Counter tagsPruned;

  public Metrics(Clock clock) {
    this.clock = clock;
    JvmMetrics.builder().register(registry);
    requests = Counter.builder().name("portcullis_http_requests_total")
        .help("HTTP requests by route, method and status").labelNames("route", "method", "status")
        .register(registry);
    durations = Histogram.builder().name("portcullis_http_request_duration_seconds")
        .help("HTTP request durations by route and method (uploads included)").labelNames("route", "method")
        .register(registry);
    bytesIn = Counter.builder().name("portcullis_http_received_bytes_total")
        .help("Request body bytes received, by route").labelNames("route").register(registry);
    bytesOut = Counter.builder().name("portcullis_http_sent_bytes_total")
        .help("Response body bytes sent, by route").labelNames("route").register(registry);
    // Layer reads dominate a scan: seconds for a small image, minutes for a large one never seen before.
    scanDurations = Histogram.builder().name("portcullis_scan_duration_seconds")
        .help("Image scan durations, whatever the outcome")
        .classicUpperBounds(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600).register(registry);
    scans = Counter.builder().name("portcullis_scans_total")
        .help("Image scans by outcome (succeeded, failed, unsupported)").labelNames("outcome").register(registry);
    webhookAttempts = Counter.builder().name("portcullis_webhook_deliveries_total")
        .help("Webhook delivery attempts by outcome (succeeded, failed and retried later, gave_up)").labelNames("outcome")
        .register(registry);
    webhookDurations = Histogram.builder().name("portcullis_webhook_delivery_duration_seconds")
        .help("Webhook delivery attempt durations, connection to answer, whatever the outcome")
        .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30).register(registry);
    policyEvaluations = Counter.builder().name("portcullis_policy_evaluations_total")
        .help("Promotion policy decisions carried out (not dry runs), by outcome (promote, already-promoted, skip, "
            + "refuse)").labelNames("outcome").register(registry);
    promotions = Counter.builder().name("portcullis_promotions_total")
        .help("Promotions by outcome (promoted, refused)").labelNames("outcome").register(registry);
    mirrorRuns = Counter.builder().name("portcullis_mirror_runs_total")
        .help("Mirror runs by target repository and outcome (succeeded, failed)").labelNames("mirror", "outcome")
        .register(registry);
    mirrorTags = Counter.builder().name("portcullis_mirror_tags_total")
        .help("Tags mirror runs dealt with, by target repository and result (added, updated, unchanged, failed)")
        .labelNames("mirror", "result").register(registry);
    mirrorBytes = Counter.builder().name("portcullis_mirror_received_bytes_total")
        .help("Blob bytes mirror runs received from upstreams, by target repository").labelNames("mirror")
        .register(registry);
    mirrorRequests = Counter.builder().name("portcullis_mirror_upstream_requests_total")
        .help("HTTP requests mirror runs sent to upstreams, by target repository").labelNames("mirror")
        .register(registry);
    gcRuns = Counter.builder().name("portcullis_gc_runs_total")
        .help("Garbage collection runs by outcome (succeeded, failed) and whether they were dry runs")
        .labelNames("outcome", "dry_run").register(registry);
    gcFreedBytes = Counter.builder().name("portcullis_gc_freed_bytes_total")
        .help("Bytes garbage collection deleted from the blob store (blobs and orphaned files)").register(registry);
    gcDeleted = Counter.builder().name("portcullis_gc_deleted_total")
        .help("What garbage collection deleted, by kind (manifests, links, blobs, orphan_files, uploads)")
        .labelNames("kind").register(registry);
    gcDurations = Histogram.builder().name("portcullis_gc_duration_seconds")
        .help("Duration of garbage collection runs, dry runs included")
        .classicUpperBounds(1, 5, 30, 60, 300, 900, 3600, 10800).register(registry);
    cacheHits = Counter.builder().name("portcullis_cache_hits_total")
        .help("Pull-through cache reads served from what is stored (or confirmed current by a HEAD), by cache namespace")
        .labelNames("cache").register(registry);
    cacheMisses = Counter.builder().name("portcullis_cache_misses_total")
        .help("Pull-through cache reads of what was not stored, or of a tag moved upstream, by cache namespace")
        .labelNames("cache").register(registry);
    cacheFetches = Counter.builder().name("portcullis_cache_upstream_fetches_total")
        .help("Manifests and blobs pull-through caches fetched from upstreams, by cache namespace and kind")
        .labelNames("cache", "kind").register(registry);
    cacheStale = Counter.builder().name("portcullis_cache_stale_served_total")
        .help("Cached tags served unconfirmed because no upstream answered (down, 429, tag gone), by cache namespace")
        .labelNames("cache").register(registry);
    mirrorSentBytes = Counter.builder().name("portcullis_mirror_sent_bytes_total")
        .help("Blob bytes push mirror runs uploaded to remote registries, by push mirror").labelNames("mirror")
        .register(registry);
    mirrorMounts = Counter.builder().name("portcullis_mirror_blobs_mounted_total")
        .help("Blobs push mirror runs mounted at remote registries instead of uploading them, by push mirror")
        .labelNames("mirror").register(registry);
    quotaRefusals = Counter.builder().name("portcullis_quota_refusals_total")
        .help("Blobs refused because they would take a namespace past its storage quota, by namespace")
        .labelNames("namespace").register(registry);
    pullsRefused = Counter.builder().name("portcullis_pulls_refused_total")
        .help("Manifest pulls a pull gate refused, by reason (vulnerabilities, unscanned)").labelNames("reason")
        .register(registry);
    tagsPruned = Counter.builder().name("portcullis_retention_pruned_tags_total")
        .help("Tags pruning policies removed, by repository").labelNames("repository").register(registry);
  }

  /** Tags a pruning policy removed (the retention listener). */
  public void tagsPruned(String repository, int tags) {
    tagsPruned.labelValues(repository).inc(tags);
  }

  /** The pull-through caches' counters. */
  public PullThroughCache.Listener cacheListener() {
    return new PullThroughCache.Listener() {
      @Override
      public void hit(String namespace) {
        cacheHits.labelValues(namespace).inc();
      }

      @Override
      public void miss(String namespace) {
        cacheMisses.labelValues(namespace).inc();
      }

      @Override
      public void fetched(String namespace, String kind) {
        cacheFetches.labelValues(namespace, kind).inc();
      }

      @Override
      public void staleServed(String namespace) {
        cacheStale.labelValues(namespace).inc();
      }
    };
  }

  /** A blob refused by a namespace's quota (the quotas' listener). */
  public void quotaRefused(String namespace) {
    quotaRefusals.labelValues(namespace).inc();
  }

  /** Usage and limit of every namespace with a quota, from {@code usages}. */
  public void watchQuotas(Supplier<List<NamespaceUsage>> usages) {
    Reading<List<NamespaceUsage>> reading = new Reading<>("quota usage", usages);
    GaugeWithCallback.builder().name("portcullis_quota_used_bytes")
        .help("Bytes a namespace with a quota stores, each blob counted once per namespace").labelNames("namespace")
        .callback(gauge -> reading.get().ifPresent(all -> all.forEach(u -> gauge.call(u.usedBytes(), u.namespace()))))
        .register(registry);
    GaugeWithCallback.builder().name("portcullis_quota_limit_bytes")
        .help("A namespace's storage quota").labelNames("namespace")
        .callback(gauge -> reading.get().ifPresent(all -> all.forEach(u -> u.quota()
            .ifPresent(q -> gauge.call(q.limitBytes(), u.namespace())))))
        .register(registry);
  }

  /** Everything in the Prometheus text format. */
  public byte[] text() throws IOException {
    var out = new ByteArrayOutputStream(16 * 1024);
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    return out.toByteArray();
  }

  void record(Exchange ex, long nanos) {
    String route = ex.route();
    requests.labelValues(route, ex.method(), Integer.toString(ex.status())).inc();
    durations.labelValues(route, ex.method()).observe(nanos / 1e9);
    if (ex.bytesIn() > 0) {
      bytesIn.labelValues(route).inc(ex.bytesIn());
    }
    if (ex.bytesOut() > 0) {
      bytesOut.labelValues(route).inc(ex.bytesOut());
    }
  }

  /** One image scan finished (the scanner's listener). */
  public void scanned(String outcome, Duration took) {
    scans.labelValues(outcome).inc();
    scanDurations.observe(took.toNanos() / 1e9);
  }

  /** A pull gate refused a pull (the gates' listener). */
  public void pullRefused(String reason) {
    pullsRefused.labelValues(reason).inc();
  }

  /** One webhook delivery attempt ended (the webhooks' listener). */
  public void webhookAttempted(String outcome, Duration took) {
    webhookAttempts.labelValues(outcome).inc();
    webhookDurations.observe(took.toNanos() / 1e9);
  }

  /** Webhook deliveries waiting (all replicas, from {@code backlog}) and being sent by this replica. */
  public void watchWebhooks(Supplier<WebhookStore.Backlog> backlog, java.util.function.IntSupplier inFlight) {
    Reading<WebhookStore.Backlog> reading = new Reading<>("webhook backlog", backlog);
    GaugeWithCallback.builder().name("portcullis_webhook_deliveries_pending")
        .help("Webhook deliveries not yet sent or waiting for a retry, all replicas")
        .callback(gauge -> reading.get().ifPresent(b -> gauge.call(b.pending())))
        .register(registry);
    GaugeWithCallback.builder().name("portcullis_webhook_deliveries_oldest_due_age_seconds")
        .help("How long the most overdue pending webhook delivery has been due (0: none is)")
        .callback(gauge -> reading.get().ifPresent(b -> gauge.call(b.oldestDueMillis() / 1e3)))
        .register(registry);
    GaugeWithCallback.builder().name("portcullis_webhook_deliveries_in_flight")
        .help("Webhook deliveries this server is sending right now")
        .callback(gauge -> gauge.call(inFlight.getAsInt()))
        .register(registry);
  }

  /** A finished garbage collection run (the collector's listener); a dry run freed nothing. */
  public void gcFinished(GcRun run, Duration took) {
    gcRuns.labelValues(run.state(), String.valueOf(run.dryRun())).inc();
    gcDurations.observe(took.toNanos() / 1e9);
    if (!run.dryRun()) {
      GcReport r = run.report();
      gcFreedBytes.inc(r.freedBytes());
      gcDeleted.labelValues("manifests").inc(r.manifests());
      gcDeleted.labelValues("links").inc(r.links());
      gcDeleted.labelValues("blobs").inc(r.blobs());
      gcDeleted.labelValues("orphan_files").inc(r.orphanFiles());
      gcDeleted.labelValues("uploads").inc(r.uploads());
    }
  }

  /** A promotion policy decision carried out (the policy service's listener). */
  public void policyEvaluated(String outcome) {
    policyEvaluations.labelValues(outcome).inc();
    switch (outcome) {
      case "promote" -> promotions.labelValues("promoted").inc();
      case "refuse" -> promotions.labelValues("refused").inc();
      default -> { }
    }
  }

  /**
   * A finished mirror run, counted under its target repository (a push mirror under {@code source ->
   * remote}); {@code direction} says whether its bytes were received (pull) or sent (push).
   */
  public void mirrorRun(String mirror, String direction, String outcome, MirrorRun.Counts counts) {
    mirrorRuns.labelValues(mirror, outcome).inc();
    mirrorTags.labelValues(mirror, "added").inc(counts.added());
    mirrorTags.labelValues(mirror, "updated").inc(counts.updated());
    mirrorTags.labelValues(mirror, "unchanged").inc(counts.unchanged());
    mirrorTags.labelValues(mirror, "failed").inc(counts.failed());
    if (direction.equals("push")) {
      mirrorSentBytes.labelValues(mirror).inc(counts.bytes());
      mirrorMounts.labelValues(mirror).inc(counts.mounted());
    } else {
      mirrorBytes.labelValues(mirror).inc(counts.bytes());
    }
    mirrorRequests.labelValues(mirror).inc(counts.requests());
  }

  /** Job queue depth and wait by kind, from {@code depths} (a query of the jobs table). */
  public void watchJobs(Supplier<List<JobQueue.Depth>> depths) {
    Reading<List<JobQueue.Depth>> reading = new Reading<>("job queue depth", depths);
    GaugeWithCallback.builder().name("portcullis_jobs")
        .help("Queued and running jobs by kind and state").labelNames("kind", "state")
        .callback(gauge -> reading.get().ifPresent(all -> all.forEach(d -> gauge.call(d.jobs(), d.kind(), d.state()))))
        .register(registry);
    GaugeWithCallback.builder().name("portcullis_jobs_oldest_queued_age_seconds")
        .help("How long the longest-waiting queued job of each kind has been due to run (0: none waiting)")
        .labelNames("kind")
        .callback(gauge -> reading.get().ifPresent(all -> all.stream().filter(d -> d.state().equals(Job.QUEUED))
            .forEach(d -> gauge.call(d.oldestWaitMillis() / 1e3, d.kind()))))
        .register(registry);
  }

  /** Age of each vulnerability database source, from {@code sources} (their last successful imports). */
  public void watchVulnerabilityDatabase(Supplier<List<VulnerabilityDatabase.Source>> sources) {
    Reading<List<VulnerabilityDatabase.Source>> reading = new Reading<>("vulnerability database sources", sources);
    // The age is taken at scrape time from the cached import times, so it keeps growing between reads.
    GaugeWithCallback.builder().name("portcullis_vulndb_age_seconds")
        .help("Seconds since the last successful import of each vulnerability database source").labelNames("source")
        .callback(gauge -> reading.get().ifPresent(all -> all.forEach(s ->
            gauge.call(Math.max(0, clock.millis() - s.importedAt()) / 1e3, s.source()))))
        .register(registry);
  }

  /** Stored blobs, from {@code usage} (the metadata database's blob table, not the file system). */
  public void watchStorage(Supplier<BlobService.Usage> usage) {
    Reading<BlobService.Usage> reading = new Reading<>("blob usage", usage);
    GaugeWithCallback.builder().name("portcullis_storage_blobs")
        .help("Stored blobs, each counted once however many repositories link it")
        .callback(gauge -> reading.get().ifPresent(u -> gauge.call(u.blobs())))
        .register(registry);
    GaugeWithCallback.builder().name("portcullis_storage_blob_bytes")
        .help("Bytes of stored blobs, each counted once however many repositories link it")
        .callback(gauge -> reading.get().ifPresent(u -> gauge.call(u.bytes())))
        .register(registry);
  }

  /** The event log: appends by type, and per subscriber what was delivered, given up on, and is still pending. */
  public void watchEvents(EventLog events) {
    CounterWithCallback.builder().name("portcullis_events_appended_total")
        .help("Events appended to the event log since start, by type").labelNames("type")
        .callback(counter -> events.appendedCounts().forEach((type, n) -> counter.call(n, type.wireName())))
        .register(registry);
    CounterWithCallback.builder().name("portcullis_events_reads_dropped_total")
        .help("Pull events not recorded because the batched append fell behind")
        .callback(counter -> counter.call(events.readsDropped()))
        .register(registry);
    Reading<List<EventLog.SubscriberStatus>> reading = new Reading<>("event subscribers", events::subscribers);
    CounterWithCallback.builder().name("portcullis_events_delivered_total")
        .help("Events handled by each subscriber since start").labelNames("subscriber")
        .callback(counter -> reading.get().ifPresent(all -> all.forEach(s -> counter.call(s.delivered(), s.name()))))
        .register(registry);
    CounterWithCallback.builder().name("portcullis_events_dead_lettered_total")
        .help("Events a subscriber gave up on after repeated failures (logged at ERROR)").labelNames("subscriber")
        .callback(counter -> reading.get().ifPresent(all -> all.forEach(s -> counter.call(s.deadLettered(), s.name()))))
        .register(registry);
    GaugeWithCallback.builder().name("portcullis_events_pending")
        .help("Events committed but not yet handled, by subscriber").labelNames("subscriber")
        .callback(gauge -> reading.get().ifPresent(all -> all.forEach(s -> gauge.call(s.pending(), s.name()))))
        .register(registry);
    GaugeWithCallback.builder().name("portcullis_events_oldest_pending_age_seconds")
        .help("Age of the oldest event a subscriber has yet to handle (0: none)").labelNames("subscriber")
        .callback(gauge -> reading.get().ifPresent(all -> all.forEach(s -> gauge.call(s.oldestPendingSeconds(),
            s.name()))))
        .register(registry);
  }

  /**
   * The last reading of a database query, taken again once older than {@link #DATABASE_READ_INTERVAL}:
   * a scrape storm costs one query per interval. A failed reading is kept for the interval too, so an
   * unreachable database is not asked at every scrape, and its series are left out rather than
   * frozen at old values.
   */
  private final class Reading<T> {
    private final String what;
    private final Supplier<T> query;
    // Not synchronized: a virtual thread blocked in JDBC inside a monitor pins its carrier on Java 21.
    private final ReentrantLock lock = new ReentrantLock();
    private Optional<T> value = Optional.empty();
    private long readAt;
    private boolean read;

    Reading(String what, Supplier<T> query) {
      this.what = what;
      this.query = query;
    }

    Optional<T> get() {
      lock.lock();
      try {
        long now = clock.millis();
        // A clock set back counts as stale too, or the reading would freeze until time caught up.
        if (!read || now - readAt >= DATABASE_READ_INTERVAL.toMillis() || now < readAt) {
          read = true;
          readAt = now;
          try {
            value = Optional.of(query.get());
          } catch (RuntimeException e) {
            value = Optional.empty();
            log.warn("metrics: reading the {} failed; its series are left out for {} s: {}", what,
                DATABASE_READ_INTERVAL.toSeconds(), e.toString());
          }
        }
        return value;
      } finally {
        lock.unlock();
      }
    }
  }
}
