package io.portcullis.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.auth.TestClock;
import io.portcullis.jobs.jdbc.JdbcJobStore;
import io.portcullis.metadata.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job queue on the embedded database; {@link PostgresJobQueueTest} runs the same on PostgreSQL. */
class JobQueueTest {
  @TempDir
  Path dir;
  TestDatabase database;
  final TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));

  TestDatabase database(Path dir) throws Exception {
    return TestDatabase.sqlite(dir);
  }

  @BeforeEach
  void open() throws Exception {
    database = database(dir);
  }

  @AfterEach
  void close() throws Exception {
    if (database != null) {
      database.close();
    }
  }

  @Test
  void depthByKindCountsActiveJobsAndTheWaitOfTheOldestDueOne() {
    JobQueue queue = new JobQueue(database.db, new JdbcJobStore(), clock);
    long first = queue.enqueue("scan", "a", null, 3);
    queue.enqueue("scan", "b", null, 3);
    clock.advance(Duration.ofSeconds(30));
    queue.enqueue("vulndb.import", "x", null, 1);
    Job claimed = queue.claim(List.of("scan"), "runner", 60_000).orElseThrow();
    assertThat(claimed.id()).isEqualTo(first);
    clock.advance(Duration.ofSeconds(10));

    assertThat(queue.depthByKind(List.of("gc", "scan"))).containsExactly(
        new JobQueue.Depth("gc", "queued", 0, 0),
        new JobQueue.Depth("gc", "running", 0, 0),
        new JobQueue.Depth("scan", "queued", 1, 40_000),
        new JobQueue.Depth("scan", "running", 1, 0),
        new JobQueue.Depth("vulndb.import", "queued", 1, 10_000));

    // Back in the queue until its backoff ends: queued, but not yet late.
    queue.fail(first, "runner", "transient", false, 60_000);
    queue.enqueue("done", "y", null, 1);
    Job done = queue.claim(List.of("done"), "runner", 60_000).orElseThrow();
    queue.succeed(done.id(), "runner");
    clock.advance(Duration.ofSeconds(5));
    assertThat(queue.depthByKind(List.of("scan"))).containsExactly(
        new JobQueue.Depth("scan", "queued", 2, 45_000),
        new JobQueue.Depth("scan", "running", 0, 0),
        new JobQueue.Depth("vulndb.import", "queued", 1, 15_000));
  }
}
