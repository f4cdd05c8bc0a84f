package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.taskwire.ConfigurationException;
import org.taskwire.FailureKind;
import org.taskwire.WorkFailedException;
import org.taskwire.WorkflowRun;

/** Mistakes a user can make at run time: each gets a clear error, none hangs. */
@Timeout(120)
class BadInputTest {

  @Test
  void callingWithoutAnOpenRunSaysHowToOpenOne() {
    assertThatThrownBy(() -> ProbeTasks.square(2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no WorkflowRun is open")
        .hasMessageContaining("try (WorkflowRun run = ");
  }

  @Test
  void unknownBackend() {
    assertThatThrownBy(() -> ProbeTasks.builder().backend("grid").start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("taskwire.backend = 'grid' (from code): expected one of [local, inprocess, panda, slurm]");
  }

  @Test
  void malformedValueFromASystemProperty() {
    System.setProperty("taskwire.local.workers", "0");
    try {
      assertThatThrownBy(() -> ProbeTasks.builder().start())
          .isInstanceOf(ConfigurationException.class)
          .hasMessage("taskwire.local.workers = '0' (from system property): expected a positive integer");
    } finally {
      System.clearProperty("taskwire.local.workers");
    }
  }

  @Test
  void onlyOneRunAtATime() {
    try (WorkflowRun first = ProbeTasks.builder().backend("inprocess").start()) {
      assertThatThrownBy(() -> ProbeTasks.builder().backend("inprocess").start())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is open; close it before starting a new one");
      assertThat(first.runId()).hasSize(32);
    }
    try (WorkflowRun again = ProbeTasks.builder().backend("inprocess").start()) {
      assertThat(ProbeTasks.square(3)).isEqualTo(9);
    }
  }

  @Test
  void closingARunFailsWhatIsStillOutstanding() {
    var call = (java.util.concurrent.Future<Integer>) null;
    WorkflowRun run = ProbeTasks.builder().backend("inprocess").set("taskwire.inprocess.threads", "1").start();
    try {
      ProbeTasks.overrunAsync(); // occupies the only thread
      call = ProbeTasks.squareAsync(2);
    } finally {
      run.close();
    }
    var pending = call;
    assertThatThrownBy(() -> pending.get())
        .hasCauseInstanceOf(WorkFailedException.class)
        .hasMessageContaining("RUN_CLOSED");
  }

  @Test
  void workersThatCannotStartFailTheCallsInsteadOfHanging() {
    try (WorkflowRun run = ProbeTasks.builder().backend("local").set("taskwire.local.workers", "1")
        .set("taskwire.local.jvm-options", "-XX:+NoSuchOptionAnywhere").start()) {
      assertThatThrownBy(() -> ProbeTasks.squareAsync(2).await(Duration.ofSeconds(60)))
          .isInstanceOfSatisfying(WorkFailedException.class, e -> {
            assertThat(e.kind()).isEqualTo(FailureKind.BACKEND);
            assertThat(e.getMessage()).contains("a local worker JVM failed to start", "NoSuchOptionAnywhere");
          });
      assertThatThrownBy(() -> ProbeTasks.square(3))
          .as("later calls fail at once")
          .isInstanceOf(WorkFailedException.class);
    }
  }
}
