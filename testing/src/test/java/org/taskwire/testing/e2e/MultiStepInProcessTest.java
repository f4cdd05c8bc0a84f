package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.taskwire.AsyncMapResult;
import org.taskwire.Grid;
import org.taskwire.Outcome;
import org.taskwire.testing.TaskwireExtension;
import org.taskwire.testing.e2e.Steps.Point;
import org.taskwire.testing.e2e.StepsTasks.ParentArgs;

class MultiStepInProcessTest extends MultiStepContract {
  @RegisterExtension
  static final TaskwireExtension taskwire =
      TaskwireExtension.of(StepsTasks::builder).backend("inprocess").set("taskwire.inprocess.threads", "4");

  @Test
  void outcomesArriveAsTheyCome() {
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
  }
}
