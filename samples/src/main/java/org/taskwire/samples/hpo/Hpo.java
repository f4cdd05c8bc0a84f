package org.taskwire.samples.hpo;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.taskwire.WorkflowRun;
import org.taskwire.annotations.Work;
import org.taskwire.annotations.Workflow;
import org.taskwire.optimize.Measurement;
import org.taskwire.optimize.Objective;
import org.taskwire.optimize.Optimizer;
import org.taskwire.optimize.Optimizers;
import org.taskwire.optimize.SearchSpace;
import org.taskwire.optimize.Study;
import org.taskwire.samples.BestPoint;

/**
 * The optimisation loop of the function-as-a-task paper and the AID2E tutorial, as a {@link Study}:
 * the GP optimiser keeps a number of points in flight, each evaluated as a job, and proposes the
 * next as each ends.
 */
@Workflow(name = "hpo", maxAttempts = 2)
public final class Hpo {
  private Hpo() {}

  /** The tutorial's objective, minimal at (0.5, 0.5). Runs as a job. */
  @Work(cores = 1, memoryMb = 512, walltime = "10m")
  static double objective(double x, double y) {
    return (x - 0.5) * (x - 0.5) + (y - 0.5) * (y - 0.5);
  }

  /**
   * Runs the study inside an open run.
   *
   * @param budget points evaluated in all
   * @param parallel points in flight at once
   * @param log receives a progress line as each point ends
   */
  public static BestPoint optimise(int budget, int parallel, long seed, Consumer<String> log) {
    SearchSpace space = SearchSpace.builder().range("x", 0, 1).range("y", 0, 1).build();
    Optimizer gp = Optimizers.gp(space, List.of(Objective.minimize("objective")), seed);
    Optimizer done = Study.builder(gp, trial -> HpoTasks.objectiveAsync(trial.number("x"), trial.number("y")).stage()
            .thenApply(value -> Map.of("objective", Measurement.of(value))))
        .parallelism(parallel).budget(budget).progress(log).build().run();
    return BestPoint.of(done, "objective").orElseThrow(() -> new IllegalStateException("no evaluation succeeded"));
  }

  public static void main(String[] args) {
    try (WorkflowRun run = HpoTasks.start()) {
      BestPoint best = optimise(80, 10, 42, System.out::println);
      System.out.println("best " + best);
    }
  }
}
