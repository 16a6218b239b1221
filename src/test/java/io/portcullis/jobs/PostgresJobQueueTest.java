package io.portcullis.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.jobs.jdbc.JdbcJobStore;
import io.portcullis.metadata.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The job queue on PostgreSQL, and enqueueing there, where several connections (or replicas) queue
 * jobs at the same moment.
 */
class PostgresJobQueueTest extends JobQueueTest {
  @Override
  TestDatabase database(Path dir) throws Exception {
    return TestDatabase.postgres();
  }

  @Test
  void concurrentEnqueuesOfOneSubjectAgreeOnOneJob() throws Exception {
    JobQueue queue = new JobQueue(database.db, new JdbcJobStore(), Clock.systemUTC());
    int writers = 8;
    for (int round = 0; round < 20; round++) {
      String subject = "repo@sha256:" + round;
      CyclicBarrier together = new CyclicBarrier(writers);
      List<Future<Long>> ids = new ArrayList<>();
      try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
        for (int i = 0; i < writers; i++) {
          Callable<Long> enqueue = () -> {
            together.await();
            return queue.enqueue("scan", subject, null, 3);
          };
          ids.add(pool.submit(enqueue));
        }
        Set<Long> distinct = new java.util.HashSet<>();
        for (Future<Long> id : ids) {
          distinct.add(id.get());
        }
        assertThat(distinct).as("round %d", round).hasSize(1);
      }
    }
    assertThat(queue.depthByKind(List.of("scan"))).filteredOn(depth -> depth.state().equals(Job.QUEUED))
        .extracting(JobQueue.Depth::jobs).containsExactly(20L);
  }
}
