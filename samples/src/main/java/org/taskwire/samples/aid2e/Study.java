package org.taskwire.samples.aid2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;
import org.taskwire.AsyncMapResult;
import org.taskwire.AsyncResult;
import org.taskwire.In;
import org.taskwire.Outcome;
import org.taskwire.samples.aid2e.DetectorStudy.GridPoint;
import org.taskwire.samples.aid2e.DetectorStudyTasks.SimrecoArgs;
import org.taskwire.samples.hpo.GaussianProcessOptimizer;

/**
 * The optimisation loop over (x, y) of the AID2E tutorial, driving one of its three examples: each
 * iteration proposes a batch of design points and evaluates them all at once, every design point a
 * pipeline of steps that the run submits as their inputs arrive. A design point that fails is
 * reported and left out; the loop goes on.
 */
public final class Study {
  private Study() {}

  /** The tutorial's examples. */
  public enum Example {
    /** One work: {@code objective_function}. */
    SIMPLE,
    /** {@code simrecoana → final}, one-to-one. */
    TWO_STEP,
    /** Simulation per (particle, η) grid point, merged all-to-one. */
    GLOBAL;

    /** The example named as on the command line: simple, two-step or global. */
    public static Example of(String name) {
      for (Example e : values()) {
        if (e.cliName().equals(name)) {
          return e;
        }
      }
      throw new IllegalArgumentException("unknown example " + name + "; choose simple, two-step or global");
    }

    public String cliName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** The best design point, and how many were evaluated and failed. */
  public record Best(double x, double y, double value, int evaluations, int failures) {}

  /**
   * Starts the evaluation of one design point; runs inside an open run.
   *
   * @param failAbove the global example's kaon+ simulation at η = 0.2 fails above this x
   */
  public static AsyncResult<Double> evaluate(Example example, double x, double y, double failAbove) {
    switch (example) {
      case SIMPLE:
        return DetectorStudyTasks.objectiveAsync(x, y);
      case TWO_STEP: {
        AsyncResult<Double> xyz = DetectorStudyTasks.simrecoanaAsync(x, y);
        return DetectorStudyTasks.anaAsync(In.of(x), In.of(y), xyz);
      }
      default: {
        AsyncMapResult<GridPoint, Double> sims = DetectorStudyTasks.simrecoMapAsync(DetectorStudy.GRID,
            p -> new SimrecoArgs(x, y, p.particle(), p.eta(), failAbove));
        return DetectorStudyTasks.mergeAsync(In.of(x), In.of(y), sims.values());
      }
    }
  }

  /**
   * Runs the loop inside an open run.
   *
   * @param log receives one line per iteration and one per failed design point
   */
  public static Best optimise(Example example, int iterations, int points, long seed, double failAbove,
      Consumer<String> log) {
    if (iterations < 1 || points < 1) {
      throw new IllegalArgumentException("iterations and points must be at least 1");
    }
    GaussianProcessOptimizer optimizer = new GaussianProcessOptimizer(new Random(seed));
    double bestX = Double.NaN;
    double bestY = Double.NaN;
    double bestValue = Double.POSITIVE_INFINITY;
    int evaluations = 0;
    int failures = 0;
    for (int iteration = 1; iteration <= iterations; iteration++) {
      List<double[]> designs = optimizer.propose(points);
      List<AsyncResult<Double>> results = new ArrayList<>();
      for (double[] d : designs) {
        results.add(evaluate(example, d[0], d[1], failAbove));
      }
      for (int i = 0; i < designs.size(); i++) {
        double[] d = designs.get(i);
        Outcome<Double> outcome = outcome(results.get(i));
        if (!outcome.succeeded()) {
          failures++;
          log.accept(String.format(Locale.ROOT, "  design (%.4f, %.4f) failed: %s", d[0], d[1],
              outcome.failure().orElseThrow().getMessage().lines().findFirst().orElse("")));
          continue;
        }
        evaluations++;
        optimizer.observe(d, outcome.value());
        if (outcome.value() < bestValue) {
          bestValue = outcome.value();
          bestX = d[0];
          bestY = d[1];
        }
      }
      log.accept(String.format(Locale.ROOT, "iteration %d: %d design points, best %.3g at (%.4f, %.4f)", iteration,
          designs.size(), bestValue, bestX, bestY));
    }
    if (evaluations == 0) {
      throw new IllegalStateException("no design point was evaluated: every one failed");
    }
    return new Best(bestX, bestY, bestValue, evaluations, failures);
  }

  private static Outcome<Double> outcome(AsyncResult<Double> result) {
    try {
      return new Outcome.Success<>(result.await());
    } catch (org.taskwire.WorkFailedException e) {
      return new Outcome.Failure<>(e);
    }
  }
}
