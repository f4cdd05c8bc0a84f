package org.taskwire.samples.aid2e;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.taskwire.AsyncMapResult;
import org.taskwire.AsyncResult;
import org.taskwire.DataFile;
import org.taskwire.In;
import org.taskwire.optimize.Measurement;
import org.taskwire.optimize.Objective;
import org.taskwire.optimize.Optimizer;
import org.taskwire.optimize.Optimizers;
import org.taskwire.optimize.SearchSpace;
import org.taskwire.optimize.Study;
import org.taskwire.samples.BestPoint;
import org.taskwire.samples.aid2e.DetectorStudy.GridPoint;
import org.taskwire.samples.aid2e.DetectorStudy.Job;
import org.taskwire.samples.aid2e.DetectorStudyTasks.SimrecoArgs;

/**
 * The optimisation over (x, y) of the AID2E tutorial, driving one of its three examples: a
 * {@link Study} with the GP optimiser keeps a number of design points in flight, every design point
 * a pipeline of steps that the run submits as their inputs arrive, and asks for the next as each
 * ends. A design point that fails is reported and told to the optimiser as failed; the study goes
 * on unless more than half of them fail.
 */
public final class DesignStudy {
  private DesignStudy() {}

  /** The tutorial's search space: x and y in [0, 1]. */
  public static final SearchSpace SPACE = SearchSpace.builder().range("x", 0, 1).range("y", 0, 1).build();

  /** The tutorial's examples. */
  public enum Example {
    /** One work: {@code objective_function}. */
    SIMPLE,
    /** {@code simrecoana → final}, one-to-one. */
    TWO_STEP,
    /** Simulation per (particle, η) grid point, merged all-to-one. */
    GLOBAL,
    /** Simulations writing files into a dataset per grid point, analysed one-to-one, merged all-to-one. */
    DATASETS;

    /** The example named as on the command line: simple, two-step, global or datasets. */
    public static Example of(String name) {
      for (Example e : values()) {
        if (e.cliName().equals(name)) {
          return e;
        }
      }
      throw new IllegalArgumentException("unknown example " + name + "; choose simple, two-step, global or datasets");
    }

    public String cliName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

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
      case GLOBAL: {
        AsyncMapResult<GridPoint, Double> sims = DetectorStudyTasks.simrecoMapAsync(DetectorStudy.GRID,
            p -> new SimrecoArgs(x, y, p.particle(), p.eta(), failAbove));
        return DetectorStudyTasks.mergeAsync(In.of(x), In.of(y), sims.values());
      }
      default: {
        // Two jobs per grid point, each writing a file; a grid point's files are its dataset.
        AsyncMapResult<Job, DataFile> sims = DetectorStudyTasks.simrecoEventsMapAsync(DetectorStudy.JOBS,
            j -> new DetectorStudyTasks.SimrecoEventsArgs(x, y, j.point(), j.events()));
        Map<GridPoint, AsyncMapResult<Job, DataFile>> datasets = sims.groupBy(Job::point);
        AsyncMapResult<GridPoint, Double> anas = DetectorStudyTasks.anaDatasetMapAsync(DetectorStudy.GRID,
            p -> new DetectorStudyTasks.AnaDatasetIn(datasets.get(p).values()));
        return DetectorStudyTasks.mergeAsync(In.of(x), In.of(y), anas.values());
      }
    }
  }

  /**
   * Runs the study inside an open run.
   *
   * @param budget design points evaluated in all
   * @param parallel design points in flight at once
   * @param log receives a progress line as each design point ends, and one per failed design point
   */
  public static BestPoint optimise(Example example, int budget, int parallel, long seed, double failAbove,
      Consumer<String> log) {
    Optimizer gp = Optimizers.gp(SPACE, List.of(Objective.minimize("objective")), seed);
    Optimizer done = Study.builder(gp, trial -> {
      double x = trial.number("x");
      double y = trial.number("y");
      return evaluate(example, x, y, failAbove).stage()
          .whenComplete((value, failure) -> {
            if (failure != null) {
              Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                  ? failure.getCause() : failure;
              log.accept(String.format(Locale.ROOT, "  design (%.4f, %.4f) failed: %s", x, y,
                  String.valueOf(cause.getMessage()).lines().findFirst().orElse("")));
            }
          })
          .thenApply(value -> Map.of("objective", Measurement.of(value)));
    }).parallelism(parallel).budget(budget).failures(Study.FailurePolicy.tolerate(0.5)).progress(log).build().run();
    return BestPoint.of(done, "objective").orElseThrow(
        () -> new IllegalStateException("no design point was evaluated: every one failed"));
  }
}
