package io.portcullis.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.jobs.jdbc.JdbcJobStore;
import io.portcullis.metadata.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
    queue = new JobQueue(db, new JdbcJobStore(), Clock.systemUTC());
    runner = new JobRunner(queue, 2, Duration.ofMillis(50));
  }

  @AfterEach
  void close() throws Exception {
    runner.close();
    db.close();
  }

  Job awaitFinished(long id) {
    Job job = queue.awaitFinished(id, Duration.ofSeconds(30)).orElseThrow();
    assertThat(job.finished()).as("job %d finished", id).isTrue();
    return job;
  }

  @Test
  void aWaitEndsWhenTheJobFinishesNotWhenItTimesOut() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    runner.register("gated", (job, progress) -> release.await());
    runner.start();
    long id = runner.submit("gated", "a", null, 1);
    CompletableFuture<Job> waited = CompletableFuture.supplyAsync(
        () -> queue.awaitFinished(id, Duration.ofMinutes(5)).orElseThrow());
    assertThat(queue.awaitFinished(id, Duration.ofMillis(200)).orElseThrow().finished())
        .as("a bounded wait on an unfinished job answers with its state").isFalse();
    assertThat(waited).isNotDone();
    long released = System.nanoTime();
    release.countDown();
    assertThat(waited.get(30, TimeUnit.SECONDS).state()).isEqualTo(Job.SUCCEEDED);
    assertThat(Duration.ofNanos(System.nanoTime() - released)).isLessThan(Duration.ofSeconds(30));
    assertThat(queue.awaitFinished(id + 1000, Duration.ofMinutes(5))).isEmpty();
  }

  @Test
  void aJobSubmittedInATransactionIsQueuedOnlyWhenThatCommits() {
    runner.register("echo", (job, progress) -> { });
    runner.start();
    assertThatThrownBy(() -> db.inTransaction(tx -> {
      runner.submit(tx, "echo", "rolled-back", null, 1);
      throw new IllegalStateException("the change failed");
    })).hasMessage("the change failed");
    assertThat(queue.list("echo", null, 0, 10)).isEmpty();
    long id = db.inTransaction(tx -> runner.submit(tx, "echo", "kept", null, 1));
    assertThat(awaitFinished(id).state()).isEqualTo(Job.SUCCEEDED);
  }

  @Test
  void endingWaitsAnswersThemAtOnce() throws Exception {
    long id = queue.enqueue("nobody-runs-this", "a", null, 1);
    CompletableFuture<Job> waited = CompletableFuture.supplyAsync(
        () -> queue.awaitFinished(id, Duration.ofMinutes(5)).orElseThrow());
    queue.awaitFinished(id, Duration.ofMillis(200));
    assertThat(waited).isNotDone();
    runner.endWaits();
    assertThat(waited.get(30, TimeUnit.SECONDS).state()).isEqualTo(Job.QUEUED);
    assertThat(queue.awaitFinished(id, Duration.ofMinutes(5)).orElseThrow().state()).isEqualTo(Job.QUEUED);
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
