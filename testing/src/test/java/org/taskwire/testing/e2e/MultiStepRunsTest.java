package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.AsyncMapResult;
import org.taskwire.AsyncResult;
import org.taskwire.FailureKind;
import org.taskwire.In;
import org.taskwire.WorkFailedException;
import org.taskwire.WorkflowRun;
import org.taskwire.testing.e2e.Steps.Point;
import org.taskwire.testing.e2e.StepsTasks.ParentArgs;

/** Handles and the runs that make them: each test opens its own runs. */
class MultiStepRunsTest {
  @TempDir Path gate;

  private static WorkflowRun.Builder inprocess() {
    return StepsTasks.builder().backend("inprocess").set("taskwire.journal", "false");
  }

  @Test
  void aHandleOfAnotherRunIsRefusedAtTheCallSite() {
    List<Point> grid = List.of(new Point("pi+", 0.1));
    AsyncMapResult<Point, Double> parents;
    String first;
    try (WorkflowRun run = inprocess().start()) {
      first = run.runId();
      parents = StepsTasks.parentMapAsync(grid, p -> new ParentArgs(p, gate.toString()));
      parents.await();
    }
    try (WorkflowRun next = inprocess().start()) {
      assertThatThrownBy(() -> StepsTasks.childAsync(In.of(grid.get(0)), parents.at(grid.get(0)), In.of("x")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("the input for parameter parentValue of child")
          .hasMessageContaining("belongs to run " + first + ", not to this run " + next.runId());
      assertThatThrownBy(() -> StepsTasks.mergeAsync(parents.values()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("belongs to run " + first);
      // Its value, waited for, travels as any value does.
      assertThat(StepsTasks.childAsync(In.of(grid.get(0)), In.of(parents.at(grid.get(0)).await()),
          In.of(gate.toString())).await(Duration.ofSeconds(30))).isCloseTo(101.0, org.assertj.core.data.Offset.offset(1e-9));
    }
  }

  @Test
  void closingTheRunFailsTheCallsStillWaitingForTheirInputs() throws Exception {
    AsyncResult<Double> child;
    AsyncResult<Double> parent;
    try (WorkflowRun run = inprocess().start()) {
      parent = StepsTasks.parentAsync(new Point("hold", 0.5), gate.toString());
      child = StepsTasks.childAsync(In.of(new Point("hold", 0.5)), parent, In.of(gate.toString()));
      assertThat(child.isDone()).isFalse();
    } finally {
      Files.writeString(gate.resolve("release"), "");
    }
    assertThatThrownBy(child::await).isInstanceOfSatisfying(WorkFailedException.class, e -> {
      assertThat(e.kind()).isEqualTo(FailureKind.RUN_CLOSED);
      assertThat(e.getMessage()).contains("closed while the call waited for its inputs");
    });
    assertThatThrownBy(parent::await).isInstanceOfSatisfying(WorkFailedException.class,
        e -> assertThat(e.kind()).isEqualTo(FailureKind.RUN_CLOSED));
  }
}
