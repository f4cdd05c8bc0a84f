package org.taskwire.samples.hpo;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.taskwire.MapResult;
import org.taskwire.Outcome;
import org.taskwire.WorkflowRun;
import org.taskwire.annotations.Work;
import org.taskwire.annotations.Workflow;
import org.taskwire.samples.hpo.HpoTasks.ObjectiveArgs;

/**
 * The optimisation loop of the function-as-a-task paper and the AID2E tutorial: each iteration
 * proposes a batch of points with a Gaussian-process Bayesian optimiser and evaluates the whole
 * batch as ONE fan-out task, one job per point.
 */
@Workflow(name = "hpo", maxAttempts = 2)
public final class Hpo {
  private Hpo() {}

  /** The tutorial's objective, minimal at (0.5, 0.5). Runs as a job. */
  @Work(cores = 1, memoryMb = 512, walltime = "10m")
  static double objective(double x, double y) {
    return (x - 0.5) * (x - 0.5) + (y - 0.5) * (y - 0.5);
  }

  /** The best point found. */
  public record Best(double x, double y, double value, int evaluations, int failures) {}

  /**
   * Runs the loop inside an open run.
   *
   * @param log receives one line per iteration
   */
  public static Best optimise(int iterations, int points, long seed, java.util.function.Consumer<String> log) {
    if (iterations < 1 || points < 1) {
      throw new IllegalArgumentException("iterations and points must be at least 1");
    }
    GaussianProcessOptimizer optimizer = new GaussianProcessOptimizer(new Random(seed));
    Best best = null;
    int evaluations = 0;
    int failures = 0;
    for (int iteration = 1; iteration <= iterations; iteration++) {
      List<double[]> proposed = optimizer.propose(points);
      List<ObjectiveArgs> calls = new ArrayList<>();
      for (double[] p : proposed) {
        calls.add(new ObjectiveArgs(p[0], p[1]));
      }
      MapResult<ObjectiveArgs, Double> results = HpoTasks.objectiveMap(calls);
      for (var entry : results.entrySet()) {
        Outcome<Double> outcome = entry.getValue();
        if (!outcome.succeeded()) {
          failures++;
          log.accept("  evaluation at " + entry.getKey() + " failed: " + outcome.failure().get().getMessage().lines().findFirst().orElse(""));
          continue;
        }
        ObjectiveArgs a = entry.getKey();
        double value = outcome.value();
        evaluations++;
        optimizer.observe(new double[] {a.x(), a.y()}, value);
        if (best == null || value < best.value()) {
          best = new Best(a.x(), a.y(), value, 0, 0);
        }
      }
      log.accept(String.format("iteration %d: %d points, best %.3g at (%.4f, %.4f)", iteration, calls.size(),
          best == null ? Double.NaN : best.value(), best == null ? Double.NaN : best.x(), best == null ? Double.NaN : best.y()));
    }
    if (best == null) {
      throw new IllegalStateException("no evaluation succeeded");
    }
    return new Best(best.x(), best.y(), best.value(), evaluations, failures);
  }

  public static void main(String[] args) {
    try (WorkflowRun run = HpoTasks.start()) {
      Best best = optimise(8, 10, 42, System.out::println);
      System.out.println("best " + best);
    }
  }
}
