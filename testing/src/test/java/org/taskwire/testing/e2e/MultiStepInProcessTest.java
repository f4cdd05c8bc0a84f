package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.taskwire.AsyncMapResult;
import org.taskwire.Grid;
import org.taskwire.In;
import org.taskwire.Outcome;
import org.taskwire.WorkflowRun;
import org.taskwire.testing.TaskwireExtension;
import org.taskwire.testing.e2e.Steps.Point;
import org.taskwire.testing.e2e.StepsTasks.ChildIn;
import org.taskwire.testing.e2e.StepsTasks.ParentArgs;

class MultiStepInProcessTest extends MultiStepContract {
  @RegisterExtension
  static final TaskwireExtension taskwire =
      TaskwireExtension.of(StepsTasks::builder).backend("inprocess").set("taskwire.inprocess.threads", "4");

  @Test
  void outcomesArriveAsTheyComeAndAHandleOfAnotherRunIsRefused(WorkflowRun run) {
    List<Point> grid = Grid.zip(Point::new, List.of("pi+", "kaon+", "pi+"), List.of(0.1, 0.2, 0.3));
    AsyncMapResult<Point, Double> parents = StepsTasks.parentMapAsync(grid, p -> new ParentArgs(p, gate.toString()));
    int seen = 0;
    for (var arrival : parents.asCompleted()) {
      assertThat(grid).contains(arrival.getKey());
      assertThat(arrival.getValue()).isInstanceOf(Outcome.Success.class);
      seen++;
    }
    assertThat(seen).isEqualTo(3);
    assertThat(parents.isDone()).isTrue();

    // A handle of this run is refused by the next one, at the call site.
    run.close();
    try (WorkflowRun next = StepsTasks.builder().backend("inprocess").start()) {
      assertThatThrownBy(() -> StepsTasks.childAsync(In.of(grid.get(0)), parents.at(grid.get(0)), In.of("x")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("belongs to run " + run.runId() + ", not to this run " + next.runId())
          .hasMessageContaining("parentValue");
      assertThat(StepsTasks.childAsync(In.of(grid.get(0)), In.of(1.0), In.of(gate.toString()))
          .await(Duration.ofSeconds(30))).isCloseTo(101.0, org.assertj.core.data.Offset.offset(1e-9));
    }
  }
}
