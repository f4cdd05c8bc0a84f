package org.taskwire.optimize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** The optimisers by name, and their saved states as JSON files. */
public final class Optimizers {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private Optimizers() {}

  /** Sobol points: the baseline. */
  public static Optimizer sobol(SearchSpace space, List<Objective> objectives, long seed) {
    return new SobolOptimizer(space, objectives, seed);
  }

  /**
   * Bayesian optimisation of one objective: a Sobol start, then a Gaussian process (Matérn-5/2,
   * a length scale per parameter, most probable hyper-parameters) and log expected improvement,
   * inside the linear constraints; trials already running believed to give the model's mean, the
   * rest of a batch asked together the mean of the observations.
   *
   * @throws IllegalArgumentException with several objectives
   */
  public static Optimizer gp(SearchSpace space, List<Objective> objectives, long seed) {
    return new GpOptimizer(space, objectives, seed);
  }

  /**
   * The GP optimiser with outcome constraints (Ax's {@code outcome_constraints}): each constrained
   * metric is modelled too, and log EI is weighed by the probability of keeping every bound; the
   * best trial is the best of those that keep them.
   */
  public static Optimizer gp(SearchSpace space, List<Objective> objectives, List<OutcomeConstraint> constraints,
      long seed) {
    return new GpOptimizer(space, objectives, constraints, seed);
  }

  /**
   * NSGA-II for several objectives (one works too), steady-state so that each trial is refilled
   * as it ends: a Sobol population of 20, then children of tournament-picked parents by simulated
   * binary crossover and polynomial mutation (jMetal's). Needs many evaluations; for expensive
   * ones prefer {@link #parego}.
   */
  public static Optimizer nsga2(SearchSpace space, List<Objective> objectives, long seed) {
    return new Nsga2Optimizer(space, objectives, seed);
  }

  /**
   * ParEGO for several objectives: each proposal maximises the expected improvement of a GP model
   * of the objectives scalarised with fresh random weights (augmented Chebyshev), after a Sobol
   * start; running trials believed as for {@link #gp}.
   *
   * @throws IllegalArgumentException with fewer than two objectives
   */
  public static Optimizer parego(SearchSpace space, List<Objective> objectives, long seed) {
    return new ParEgoOptimizer(space, objectives, seed);
  }

  /** ParEGO with outcome constraints: each scalarisation's improvement weighed as for {@link #gp}, the front of the trials that keep them. */
  public static Optimizer parego(SearchSpace space, List<Objective> objectives, List<OutcomeConstraint> constraints,
      long seed) {
    return new ParEgoOptimizer(space, objectives, constraints, seed);
  }

  /**
   * Expected hypervolume improvement for several objectives (BoTorch's qEHVI, Optuna's GPSampler
   * with several objectives): a GP per objective after a Sobol start, and the point that adds the
   * most hypervolume to the front in expectation, computed exactly; running trials believed as for
   * {@link #gp}. The most sample-efficient choice for tens of expensive trials.
   *
   * @throws IllegalArgumentException with fewer than two objectives
   */
  public static Optimizer ehvi(SearchSpace space, List<Objective> objectives, long seed) {
    return new EhviOptimizer(space, objectives, seed);
  }

  /** EHVI with outcome constraints: the front of the trials that keep them, improvement weighed as for {@link #gp}. */
  public static Optimizer ehvi(SearchSpace space, List<Objective> objectives, List<OutcomeConstraint> constraints,
      long seed) {
    return new EhviOptimizer(space, objectives, constraints, seed);
  }

  /** Uniform random points. */
  public static Optimizer random(SearchSpace space, List<Objective> objectives, long seed) {
    return new RandomOptimizer(space, objectives, seed);
  }

  /**
   * An optimiser as a saved state left it: same trials, and the next ask proposes what it would
   * have proposed had it never stopped.
   *
   * @throws IllegalArgumentException if the state names an unknown optimiser
   */
  public static Optimizer load(OptimizerState state, SearchSpace space, List<Objective> objectives) {
    return load(state, space, objectives, List.of());
  }

  /**
   * An optimiser with outcome constraints as a saved state left it.
   *
   * @throws IllegalArgumentException if the state names an unknown optimiser, or one that takes no
   *     outcome constraints while some are given
   */
  public static Optimizer load(OptimizerState state, SearchSpace space, List<Objective> objectives,
      List<OutcomeConstraint> constraints) {
    List<String> constrained = List.of(GpOptimizer.NAME, EhviOptimizer.NAME, ParEgoOptimizer.NAME);
    if (!constraints.isEmpty() && !constrained.contains(state.optimizer())) {
      throw new IllegalArgumentException("optimiser '" + state.optimizer() + "' takes no outcome constraints; "
          + String.join(", ", constrained) + " do");
    }
    TrialBook optimizer = switch (state.optimizer()) {
      case SobolOptimizer.NAME -> new SobolOptimizer(space, objectives, state.seed());
      case RandomOptimizer.NAME -> new RandomOptimizer(space, objectives, state.seed());
      case GpOptimizer.NAME -> new GpOptimizer(space, objectives, constraints, state.seed());
      case Nsga2Optimizer.NAME -> new Nsga2Optimizer(space, objectives, state.seed());
      case ParEgoOptimizer.NAME -> new ParEgoOptimizer(space, objectives, constraints, state.seed());
      case EhviOptimizer.NAME -> new EhviOptimizer(space, objectives, constraints, state.seed());
      default -> throw new IllegalArgumentException("unknown optimiser '" + state.optimizer() + "' in the saved state; "
          + "known: " + List.of(SobolOptimizer.NAME, RandomOptimizer.NAME, GpOptimizer.NAME, Nsga2Optimizer.NAME,
              ParEgoOptimizer.NAME, EhviOptimizer.NAME));
    };
    optimizer.restore(state);
    return optimizer;
  }

  /** The state as JSON text. */
  public static String toJson(OptimizerState state) {
    try {
      return JSON.writeValueAsString(state);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an optimiser's state as JSON", e);
    }
  }

  /**
   * A state from JSON text.
   *
   * @throws IllegalArgumentException if the text is not a saved state
   */
  public static OptimizerState fromJson(String json) {
    try {
      return JSON.readValue(json, OptimizerState.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a saved optimiser state: " + e.getOriginalMessage(), e);
    }
  }

  /** One compact JSON line, for the study's journal. */
  static String line(Object value) {
    try {
      return JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a journal line", e);
    }
  }

  /** Writes an optimiser's state to a file, whole or not at all. */
  public static void save(Optimizer optimizer, Path file) {
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, toJson(optimizer.save()));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the optimiser's state to " + file + ": " + e.getMessage(), e);
    }
  }

  /** An optimiser from a file {@link #save} wrote. */
  public static Optimizer load(Path file, SearchSpace space, List<Objective> objectives) {
    return load(file, space, objectives, List.of());
  }

  /** An optimiser with outcome constraints from a file {@link #save} wrote. */
  public static Optimizer load(Path file, SearchSpace space, List<Objective> objectives,
      List<OutcomeConstraint> constraints) {
    try {
      return load(fromJson(Files.readString(file)), space, objectives, constraints);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the optimiser's state from " + file + ": " + e.getMessage(), e);
    }
  }
}
