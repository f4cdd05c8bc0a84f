package org.taskwire.optimize;

import java.util.ArrayList;
import java.util.List;

/**
 * The probability that a point keeps every outcome constraint, under a {@link GaussianProcess} of
 * each constrained metric (Gardner et al., "Bayesian optimization with inequality constraints",
 * ICML 2014; the same in Ax and Optuna): an acquisition's logarithm plus this one's weighs each
 * proposal by its chance of counting. Failed trials are believed as {@link ExpectedImprovement.Pending}
 * says.
 */
final class Feasibility {
  private final List<GaussianProcess> models;
  private final List<OutcomeConstraint> constraints;

  private Feasibility(List<GaussianProcess> models, List<OutcomeConstraint> constraints) {
    this.models = models;
    this.constraints = constraints;
  }

  /**
   * The models of the constrained metrics over the completed trials at points {@code x} (in the
   * same order), with failed trials' points believed.
   */
  static Feasibility fit(SearchSpace space, List<OutcomeConstraint> constraints, List<TrialRecord> completed,
      List<double[]> x, ExpectedImprovement.Pending pending) {
    List<GaussianProcess> models = new ArrayList<>();
    for (OutcomeConstraint c : constraints) {
      double[] y = completed.stream().mapToDouble(r -> c.upward(r.measurements().get(c.metric()).mean())).toArray();
      double[] sem = completed.stream().mapToDouble(r -> r.measurements().get(c.metric()).sem()).toArray();
      GaussianProcess model = GaussianProcess.fit(x, y, sem, ExpectedImprovement.categorical(space));
      models.add(pending.withFailures(model, y));
    }
    return new Feasibility(models, constraints);
  }

  /** The logarithm of the probability that the metrics at {@code p} keep every bound; 0 with no constraint. */
  double logProbability(double[] p) {
    double sum = 0;
    for (int i = 0; i < models.size(); i++) {
      double[] prediction = models.get(i).predict(p);
      sum += logCdf((constraints.get(i).limit() - prediction[0]) / prediction[1]);
    }
    return sum;
  }

  /** log Φ(z), with the asymptotic form far in the lower tail where Φ underflows. */
  static double logCdf(double z) {
    if (z > -30) {
      return Math.log(Math.max(Double.MIN_NORMAL, StandardNormal.cdf(z)));
    }
    // Φ(z) ≈ φ(z) / −z as z → −∞.
    return -0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - Math.log(-z);
  }
}
