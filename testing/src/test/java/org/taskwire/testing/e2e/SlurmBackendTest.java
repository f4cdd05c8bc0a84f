package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.taskwire.AsyncResult;
import org.taskwire.FailureKind;
import org.taskwire.MapResult;
import org.taskwire.WorkFailedException;
import org.taskwire.WorkflowRun;

/** The slurm backend on a real single-node Slurm, in jobs mode. */
@EnabledIf(value = "org.taskwire.testing.e2e.SlurmHere#up", disabledReason = SlurmHere.WHY_NOT)
@Timeout(300)
class SlurmBackendTest {
  private static WorkflowRun.Builder slurm() {
    return ProbeTasks.builder().backend("slurm")
        .set("taskwire.slurm.poll-interval", "PT0.5S")
        .set("taskwire.slurm.result-grace", "2s")
        .set("taskwire.slurm.shared-dir", Path.of("target", "slurm").toAbsolutePath().toString());
  }

  @Test
  void aFanOutIsOneArrayJobNamedAfterTheRunAndItsResultsComeBackKeyed() throws Exception {
    String runId;
    try (WorkflowRun run = slurm().start()) {
      runId = run.runId();
      List<ProbeTasks.SquareArgs> calls = IntStream.range(0, 5).mapToObj(ProbeTasks.SquareArgs::new).toList();
      MapResult<ProbeTasks.SquareArgs, Integer> squares = ProbeTasks.squareMap(calls);
      assertThat(squares.failures()).isEmpty();
      calls.forEach(c -> assertThat(squares.value(c)).isEqualTo(c.x() * c.x()));
      List<String> jobs = SlurmHere.jobs(runId, "all");
      assertThat(jobs).as("one array job, one array task per call").hasSize(5)
          // A job whose result came over the broker may still be finishing.
          .allMatch(j -> j.matches("\\d+_[0-4]\\|(COMPLETED|COMPLETING|RUNNING)"));
      assertThat(jobs.stream().map(j -> j.substring(0, j.indexOf('_'))).distinct()).hasSize(1);
    }
    // Jobs whose result arrived end on their own, within moments.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!SlurmHere.jobs(runId, "PENDING,RUNNING,COMPLETING").isEmpty()) {
      assertThat(System.nanoTime()).as("the run's jobs end within 30 s of its close").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  @Test
  void aWorkThatThrowsFailsWithTheRemoteErrorAndClosingTheRunCancelsItsJobs() throws Exception {
    try (WorkflowRun run = slurm().start()) {
      assertThatThrownBy(() -> ProbeTasks.evenOnly(3))
          .isInstanceOfSatisfying(WorkFailedException.class, e -> {
            assertThat(e.kind()).isEqualTo(FailureKind.WORK_THREW);
            assertThat(e.remoteMessage()).isEqualTo("odd input 3");
          });
      AsyncResult<Integer> held = ProbeTasks.overrunAsync();
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (SlurmHere.jobs(run.runId(), "RUNNING").isEmpty()) {
        assertThat(System.nanoTime()).as("the job runs within 2 minutes").isLessThan(deadline);
        Thread.sleep(100);
      }
      run.close();
      assertThat(held.isDone()).isTrue();
      assertThat(SlurmHere.jobs(run.runId(), "PENDING,RUNNING"))
          .as("closing the run leaves no job of it queued or running").isEmpty();
    }
  }
}
