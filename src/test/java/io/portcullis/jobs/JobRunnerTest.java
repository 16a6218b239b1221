package io.portcullis.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.metadata.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobRunnerTest {
  @TempDir
  Path dir;
  Database db;
  JobQueue queue;
  JobRunner runner;

  @BeforeEach
  void open() throws Exception {
    db = Database.embedded(dir);
    queue = new JobQueue(db, Clock.systemUTC());
    runner = new JobRunner(queue, 2, Duration.ofMillis(50));
  }

  @AfterEach
  void close() throws Exception {
    runner.close();
    db.close();
  }

  Job awaitFinished(long id) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      Job job = queue.find(id).orElseThrow();
      if (job.state().equals(Job.SUCCEEDED) || job.state().equals(Job.FAILED)) {
        return job;
      }
      Thread.sleep(25);
    }
    throw new AssertionError("job " + id + " did not finish");
  }

  @Test
  void runsJobsAndRecordsProgress() throws Exception {
    List<String> ran = new CopyOnWriteArrayList<>();
    runner.register("echo", (job, progress) -> {
      progress.update(1, 2, "half");
      ran.add(job.subject());
      progress.update(2, 2, "done");
    });
    runner.start();
    long id = runner.submit("echo", "a", null, 3);
    Job finished = awaitFinished(id);
    assertThat(finished.state()).isEqualTo(Job.SUCCEEDED);
    assertThat(finished.done()).isEqualTo(2);
    assertThat(finished.message()).isEqualTo("done");
    assertThat(ran).containsExactly("a");
  }

  @Test
  void enqueueingTheSameSubjectTwiceWhileQueuedIsOneJob() {
    long first = queue.enqueue("echo", "x", null, 3);
    long second = queue.enqueue("echo", "x", null, 3);
    assertThat(second).isEqualTo(first);
    assertThat(queue.enqueue("other", "x", null, 3)).isNotEqualTo(first);
  }

  @Test
  void aRefusedDuplicateAnswersItsOwnJobNotTheLastOneInserted() {
    long first = queue.enqueue("echo", "x", null, 3);
    long other = queue.enqueue("echo", "y", null, 3);
    assertThat(queue.enqueue("echo", "x", null, 3)).isEqualTo(first).isNotEqualTo(other);
  }

  @Test
  void permanentFailuresAreNotRetriedOthersAreUntilAttemptsRunOut() throws Exception {
    AtomicInteger transientRuns = new AtomicInteger();
    runner.register("broken", (job, progress) -> {
      throw new JobHandler.Permanent("hostile input");
    });
    runner.register("flaky", (job, progress) -> {
      if (transientRuns.incrementAndGet() < 2) {
        throw new IllegalStateException("temporary");
      }
    });
    runner.start();
    Job broken = awaitFinished(runner.submit("broken", "b", null, 5));
    assertThat(broken.state()).isEqualTo(Job.FAILED);
    assertThat(broken.attempts()).isEqualTo(1);
    assertThat(broken.message()).isEqualTo("hostile input");
    Job flaky = awaitFinished(runner.submit("flaky", "f", null, 3));
    assertThat(flaky.state()).isEqualTo(Job.SUCCEEDED);
    assertThat(flaky.attempts()).isEqualTo(2);
  }

  @Test
  void aJobWhoseLeaseRanOutIsClaimedAgain() {
    long id = queue.enqueue("echo", "lost", null, 3);
    assertThat(queue.claim(List.of("echo"), "dead-runner", -1)).isPresent();
    var again = queue.claim(List.of("echo"), "live-runner", 60_000);
    assertThat(again).map(Job::id).hasValue(id);
    assertThat(again.get().attempts()).isEqualTo(2);
    assertThat(queue.progress(id, "dead-runner", 1, 1, "late", 60_000)).isFalse();
  }
}
