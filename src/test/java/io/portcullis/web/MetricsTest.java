package io.portcullis.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.auth.TestClock;
import io.portcullis.jobs.JobQueue;
import io.portcullis.registry.BlobService;
import io.portcullis.scan.VulnerabilityDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MetricsTest {
  final TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
  final Metrics metrics = new Metrics(clock);

  String scrape() throws Exception {
    return new String(metrics.text(), StandardCharsets.UTF_8);
  }

  @Test
  void databaseGaugesAreReadAtMostOncePerInterval() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    metrics.watchStorage(() -> new BlobService.Usage(reads.incrementAndGet(), 1000L * reads.get()));

    assertThat(scrape()).contains("portcullis_storage_blobs 1.0\n").contains("portcullis_storage_blob_bytes 1000.0\n");
    clock.advance(Metrics.DATABASE_READ_INTERVAL.minusMillis(1));
    assertThat(scrape()).contains("portcullis_storage_blobs 1.0\n");
    assertThat(reads).hasValue(1);
    clock.advance(Duration.ofMillis(1));
    assertThat(scrape()).contains("portcullis_storage_blobs 2.0\n").contains("portcullis_storage_blob_bytes 2000.0\n");
    assertThat(reads).hasValue(2);
  }

  @Test
  void aFailedReadLeavesItsSeriesOutWithoutFailingTheScrapeOrRetryingAtOnce() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    metrics.watchStorage(() -> {
      if (reads.incrementAndGet() == 1) {
        throw new IllegalStateException("database unreachable");
      }
      return new BlobService.Usage(7, 700);
    });

    assertThat(scrape()).contains("jvm_memory").doesNotContain("portcullis_storage_blobs ");
    assertThat(scrape()).doesNotContain("portcullis_storage_blobs ");
    assertThat(reads).hasValue(1);
    clock.advance(Metrics.DATABASE_READ_INTERVAL);
    assertThat(scrape()).contains("portcullis_storage_blobs 7.0\n");
  }

  @Test
  void jobDepthByKindAndStateAndTheWaitOfQueuedJobs() throws Exception {
    metrics.watchJobs(() -> List.of(new JobQueue.Depth("scan", "queued", 3, 1500),
        new JobQueue.Depth("scan", "running", 2, 0)));

    assertThat(scrape())
        .contains("portcullis_jobs{kind=\"scan\",state=\"queued\"} 3.0\n")
        .contains("portcullis_jobs{kind=\"scan\",state=\"running\"} 2.0\n")
        .contains("portcullis_jobs_oldest_queued_age_seconds{kind=\"scan\"} 1.5\n");
  }

  @Test
  void vulnerabilityDatabaseAgeGrowsBetweenReads() throws Exception {
    long importedAt = clock.millis() - 90_000;
    metrics.watchVulnerabilityDatabase(() -> List.of(new VulnerabilityDatabase.Source("osv", "osv", 10, importedAt, 1)));

    assertThat(scrape()).contains("portcullis_vulndb_age_seconds{source=\"osv\"} 90.0\n");
    clock.advance(Duration.ofSeconds(5));
    assertThat(scrape()).contains("portcullis_vulndb_age_seconds{source=\"osv\"} 95.0\n");
  }

  @Test
  void scansByOutcomeAndTheirDurations() throws Exception {
    metrics.scanned("succeeded", Duration.ofSeconds(2));
    metrics.scanned("failed", Duration.ofMillis(50));

    assertThat(scrape())
        .contains("portcullis_scans_total{outcome=\"succeeded\"} 1.0\n")
        .contains("portcullis_scans_total{outcome=\"failed\"} 1.0\n")
        .contains("portcullis_scan_duration_seconds_bucket{le=\"0.1\"} 1\n")
        .contains("portcullis_scan_duration_seconds_bucket{le=\"2.5\"} 2\n")
        .contains("portcullis_scan_duration_seconds_count 2\n")
        .contains("portcullis_scan_duration_seconds_sum 2.05\n");
  }
}
