package org.taskwire.optimize;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * ParEGO (Knowles, "ParEGO: a hybrid algorithm with on-line landscape approximation for expensive
 * multiobjective optimization problems", IEEE TEC 2006): each proposal scalarises the objectives
 * with a weight vector drawn afresh, uniformly from the simplex, by the augmented Chebyshev
 * function {@code max_i w_i f_i + 0.05 Σ_i w_i f_i} over objectives normalised to [0, 1] by the
 * values seen, and asks the single-objective GP machinery ({@link ExpectedImprovement}) for the
 * point of highest log expected improvement of that scalarisation. Running trials are taken in as
 * {@link ExpectedImprovement} says; standard errors are not, since they do not carry
 * through the maximum. Sample-efficient where NSGA-II needs generations.
 */
final class ParEgoOptimizer extends SobolStart {
  static final String NAME = "parego";
  private static final double RHO = 0.05;

  ParEgoOptimizer(SearchSpace space, List<Objective> objectives, long seed) {
    this(space, objectives, List.of(), seed);
  }

  ParEgoOptimizer(SearchSpace space, List<Objective> objectives, List<OutcomeConstraint> outcomeConstraints, long seed) {
    super(space, objectives, outcomeConstraints, seed);
    requireSeveral("ParEGO", objectives);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** As the GP optimiser: twice the dimension plus one, at least five. */
  @Override
  int initialPoints() {
    return Math.max(5, 2 * space().dimensions() + 1);
  }

  @Override
  double[] fromModel(List<TrialRecord> history, SplittableRandom random) {
    int m = objectives().size();
    List<double[]> x = new ArrayList<>();
    List<double[]> f = new ArrayList<>();
    ExpectedImprovement.Pending pending = ExpectedImprovement.Pending.of(this, history);
    List<TrialRecord> completed = new ArrayList<>();
    for (TrialRecord r : history) {
      double[] u = space().unit(r.trial().parameters());
      if (r.status() == TrialStatus.COMPLETED) {
        completed.add(r);
        x.add(u);
        f.add(minimised(r));
      }
    }
    if (x.size() < 2) {
      return null;
    }
    double[] low = new double[m];
    double[] high = new double[m];
    java.util.Arrays.fill(low, Double.POSITIVE_INFINITY);
    java.util.Arrays.fill(high, Double.NEGATIVE_INFINITY);
    for (double[] v : f) {
      for (int i = 0; i < m; i++) {
        low[i] = Math.min(low[i], v[i]);
        high[i] = Math.max(high[i], v[i]);
      }
    }
    double[] w = simplexPoint(m, random);
    double[] y = new double[f.size()];
    double[] sem = new double[f.size()];
    for (int k = 0; k < y.length; k++) {
      double max = Double.NEGATIVE_INFINITY;
      double sum = 0;
      for (int i = 0; i < m; i++) {
        double range = high[i] - low[i];
        double z = range > 0 ? (f.get(k)[i] - low[i]) / range : 0;
        max = Math.max(max, w[i] * z);
        sum += w[i] * z;
      }
      y[k] = max + RHO * sum;
      sem[k] = Double.NaN;
    }
    if (outcomeConstraints().isEmpty()) {
      return ExpectedImprovement.next(space(), x, y, sem, pending, tried(history), random);
    }
    boolean[] kept = new boolean[completed.size()];
    for (int i = 0; i < kept.length; i++) {
      kept[i] = feasible(completed.get(i));
    }
    return ExpectedImprovement.next(space(), x, y, sem, pending, tried(history), random,
        Feasibility.fit(space(), outcomeConstraints(), completed, x, pending), kept);
  }

  /** A point drawn uniformly from the simplex: normalised exponential deviates. */
  private static double[] simplexPoint(int m, SplittableRandom random) {
    double[] w = new double[m];
    double sum = 0;
    for (int i = 0; i < m; i++) {
      w[i] = -Math.log(1 - random.nextDouble());
      sum += w[i];
    }
    for (int i = 0; i < m; i++) {
      w[i] /= sum;
    }
    return w;
  }
}
