package org.taskwire.samples.mobo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.taskwire.annotations.Work;
import org.taskwire.annotations.Workflow;
import org.taskwire.optimize.Measurement;
import org.taskwire.optimize.Objective;
import org.taskwire.optimize.Optimizer;
import org.taskwire.optimize.Optimizers;
import org.taskwire.optimize.SearchSpace;
import org.taskwire.optimize.Study;
import org.taskwire.optimize.Trial;
import org.taskwire.optimize.TrialRecord;
import org.taskwire.samples.aid2e.DesignStudy;
import org.taskwire.samples.aid2e.DetectorStudyTasks;

/**
 * Multi-objective studies: a {@link Study} keeps trials in flight and the optimiser (ParEGO,
 * NSGA-II or Sobol) builds up a Pareto front. Two problems: DTLZ2 with two objectives, whose front
 * is the quarter circle f1² + f2² = 1, and the AID2E detector study's global example (a
 * simulation per particle × η grid point, merged) against the design's material cost.
 */
@Workflow(name = "mobo", maxAttempts = 2)
public final class Mobo {
  private Mobo() {}

  /** DTLZ2's variables. */
  static final int DTLZ2_DIMENSIONS = 6;

  /**
   * DTLZ2 (Deb, Thiele, Laumanns and Zitzler, 2002) with two objectives over [0, 1]^6, both
   * minimised: {@code g = Σ_{i≥1} (x_i - 0.5)²}, {@code f1 = (1 + g) cos(x_0 π/2)},
   * {@code f2 = (1 + g) sin(x_0 π/2)}.
   */
  @Work(memoryMb = 256, walltime = "10m")
  static double[] dtlz2(double[] x) {
    double g = 0;
    for (int i = 1; i < x.length; i++) {
      g += (x[i] - 0.5) * (x[i] - 0.5);
    }
    return new double[] {(1 + g) * Math.cos(x[0] * Math.PI / 2), (1 + g) * Math.sin(x[0] * Math.PI / 2)};
  }

  /** The sample's problems. */
  public enum Problem {
    /** DTLZ2, two objectives, six variables; reference point (1.1, 1.1), under which the front's hypervolume is 1.1² − π/4. */
    DTLZ2(dtlz2Space(), List.of(Objective.minimize("f1").withThreshold(1.1), Objective.minimize("f2").withThreshold(1.1)),
        1.1 * 1.1 - Math.PI / 4),
    /** The AID2E global example's objective against the material cost x + y; its largest hypervolume is unknown. */
    AID2E(DesignStudy.SPACE, List.of(Objective.minimize("objective").withThreshold(1.0),
        Objective.minimize("cost").withThreshold(2.0)), Double.NaN);

    final SearchSpace space;
    final List<Objective> objectives;
    /** The largest hypervolume against the thresholds, NaN where unknown. */
    public final double maximumHypervolume;

    Problem(SearchSpace space, List<Objective> objectives, double maximumHypervolume) {
      this.space = space;
      this.objectives = objectives;
      this.maximumHypervolume = maximumHypervolume;
    }

    /** The problem named as on the command line: dtlz2 or aid2e. */
    public static Problem of(String name) {
      for (Problem p : values()) {
        if (p.name().toLowerCase(Locale.ROOT).equals(name)) {
          return p;
        }
      }
      throw new IllegalArgumentException("unknown problem " + name + "; choose dtlz2 or aid2e");
    }

    /** Starts a trial's evaluation as Taskwire calls; runs inside an open run. */
    CompletionStage<Map<String, Measurement>> evaluate(Trial trial) {
      if (this == DTLZ2) {
        double[] x = new double[DTLZ2_DIMENSIONS];
        for (int i = 0; i < x.length; i++) {
          x[i] = trial.number("x" + i);
        }
        return MoboTasks.dtlz2Async(x).stage()
            .thenApply(f -> Map.of("f1", Measurement.of(f[0]), "f2", Measurement.of(f[1])));
      }
      double x = trial.number("x");
      double y = trial.number("y");
      return DesignStudy.evaluate(DesignStudy.Example.GLOBAL, x, y, 1).stage()
          .thenCombine(DetectorStudyTasks.costAsync(x, y).stage(),
              (objective, cost) -> Map.of("objective", Measurement.of(objective), "cost", Measurement.of(cost)));
    }
  }

  private static SearchSpace dtlz2Space() {
    SearchSpace.Builder b = SearchSpace.builder();
    for (int i = 0; i < DTLZ2_DIMENSIONS; i++) {
      b.range("x" + i, 0, 1);
    }
    return b.build();
  }

  /** The optimisers the sample offers: ehvi, parego, nsga2 or sobol. */
  public static Optimizer optimizer(String name, Problem problem, long seed) {
    return switch (name) {
      case "ehvi" -> Optimizers.ehvi(problem.space, problem.objectives, seed);
      case "parego" -> Optimizers.parego(problem.space, problem.objectives, seed);
      case "nsga2" -> Optimizers.nsga2(problem.space, problem.objectives, seed);
      case "sobol" -> Optimizers.sobol(problem.space, problem.objectives, seed);
      default -> throw new IllegalArgumentException("unknown optimiser " + name + "; choose ehvi, parego, nsga2 or sobol");
    };
  }

  /**
   * Runs the study inside an open run and returns its optimiser, with every trial.
   *
   * @param log receives a progress line as each trial ends
   */
  public static Optimizer optimise(Problem problem, Optimizer optimizer, int budget, int parallel,
      Consumer<String> log) {
    return Study.builder(optimizer, problem::evaluate).parallelism(parallel).budget(budget).progress(log).build()
        .run();
  }

  /** A Pareto front as JSON-ready maps: each trial's parameters and objective values. */
  public static List<Map<String, Object>> paretoSet(List<TrialRecord> front) {
    List<Map<String, Object>> set = new ArrayList<>();
    front.forEach(r -> {
      Map<String, Object> objectives = new java.util.LinkedHashMap<>();
      r.measurements().forEach((name, m) -> objectives.put(name, m.mean()));
      set.add(Map.of("trial", r.trial().id(), "parameters", r.trial().parameters(), "objectives", objectives));
    });
    return set;
  }
}
