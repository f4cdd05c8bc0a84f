package org.taskwire.optimize;

/**
 * A metric to optimise, its direction, and for several objectives the threshold (Ax's reference
 * point) a value must pass to count on the Pareto front and in its hypervolume; null for none.
 */
public record Objective(String name, Direction direction, Double threshold) {

  /** Which way is better. */
  public enum Direction { MINIMIZE, MAXIMIZE }

  public Objective {
    SearchSpace.checkName(name);
    if (direction == null) {
      throw new IllegalArgumentException("objective '" + name + "' needs a direction");
    }
    if (threshold != null && !Double.isFinite(threshold)) {
      throw new IllegalArgumentException("objective '" + name + "': the threshold must be finite, got " + threshold);
    }
  }

  public static Objective minimize(String name) {
    return new Objective(name, Direction.MINIMIZE, null);
  }

  public static Objective maximize(String name) {
    return new Objective(name, Direction.MAXIMIZE, null);
  }

  /** The same objective with a threshold. */
  public Objective withThreshold(double value) {
    return new Objective(name, direction, value);
  }

  /** The value turned so that lower is better: a maximised objective's is negated. */
  double minimised(double value) {
    return direction == Direction.MINIMIZE ? value : -value;
  }

  /** Whether {@code a} is better than {@code b} for this objective. */
  public boolean better(double a, double b) {
    return direction == Direction.MINIMIZE ? a < b : a > b;
  }
}
