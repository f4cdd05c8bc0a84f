package org.taskwire.optimize;

/**
 * A bound a measured metric must keep for a trial to count (Ax's {@code outcome_constraints},
 * e.g. {@code "material_budget <= 0.05"}): each trial is told the metric with its objectives; the
 * best trial and the Pareto front hold only trials that keep every bound; the GP optimisers model
 * the metric and weigh each proposal's expected improvement by the probability that it keeps the
 * bound.
 */
public record OutcomeConstraint(String metric, Relation relation, double bound) {

  /** Which side of the bound is allowed. */
  public enum Relation { AT_MOST, AT_LEAST }

  public OutcomeConstraint {
    SearchSpace.checkName(metric);
    if (relation == null) {
      throw new IllegalArgumentException("outcome constraint on '" + metric + "' needs a relation");
    }
    if (!Double.isFinite(bound)) {
      throw new IllegalArgumentException("outcome constraint on '" + metric + "': the bound must be finite, got " + bound);
    }
  }

  /** {@code metric <= bound}. */
  public static OutcomeConstraint atMost(String metric, double bound) {
    return new OutcomeConstraint(metric, Relation.AT_MOST, bound);
  }

  /** {@code metric >= bound}. */
  public static OutcomeConstraint atLeast(String metric, double bound) {
    return new OutcomeConstraint(metric, Relation.AT_LEAST, bound);
  }

  /** Whether a measured value keeps the bound. */
  public boolean keptBy(double value) {
    return relation == Relation.AT_MOST ? value <= bound : value >= bound;
  }

  /** The value turned so that keeping the bound means being at most {@link #limit}: negated for at-least. */
  double upward(double value) {
    return relation == Relation.AT_MOST ? value : -value;
  }

  /** The bound in {@link #upward}'s terms. */
  double limit() {
    return relation == Relation.AT_MOST ? bound : -bound;
  }

  @Override
  public String toString() {
    return metric + (relation == Relation.AT_MOST ? " <= " : " >= ") + bound;
  }
}
