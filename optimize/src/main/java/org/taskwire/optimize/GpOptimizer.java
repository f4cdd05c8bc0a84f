package org.taskwire.optimize;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Bayesian optimisation of one objective. The first points come from a Sobol design (as many as
 * {@link #initialPoints}); then a {@link GaussianProcess} (Matérn-5/2, one length scale per
 * parameter, hyper-parameters by marginal likelihood) models the objective and the next point
 * maximises log expected improvement, running trials taken in as a constant liar (see
 * {@link ExpectedImprovement}). Failed trials are believed in the same way, so that the optimiser
 * does not come straight back to a point that failed, though it may come near it again; abandoned
 * ones are left out.
 */
final class GpOptimizer extends SobolStart {
  static final String NAME = "gp-ei";

  private final Objective objective;

  GpOptimizer(SearchSpace space, List<Objective> objectives, long seed) {
    super(space, objectives, seed);
    if (objectives.size() != 1) {
      throw new IllegalArgumentException("the GP optimiser (gp-ei) takes one objective, got " + objectives.size()
          + "; for several, use a multi-objective optimiser");
    }
    this.objective = objectives.get(0);
  }

  /** Points of the initial Sobol design: twice the dimension plus one, at least five. */
  @Override
  int initialPoints() {
    return Math.max(5, 2 * space().dimensions() + 1);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  double[] fromModel(List<TrialRecord> history, SplittableRandom random) {
    List<double[]> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    List<Double> sem = new ArrayList<>();
    List<double[]> pending = new ArrayList<>();
    for (TrialRecord r : history) {
      double[] u = space().unit(r.trial().parameters());
      if (r.status() == TrialStatus.COMPLETED) {
        Measurement m = r.measurements().get(objective.name());
        x.add(u);
        // The model minimises: a maximised objective is negated.
        y.add(objective.minimised(m.mean()));
        sem.add(m.sem());
      } else if (r.status() == TrialStatus.RUNNING || r.status() == TrialStatus.FAILED) {
        // A failed point is believed like a running one: the model does not come straight back to it.
        pending.add(u);
      }
    }
    if (x.size() < 2) {
      return null;
    }
    return ExpectedImprovement.next(space(), x, ExpectedImprovement.unbox(y), ExpectedImprovement.unbox(sem), pending,
        tried(history), random);
  }
}
