package org.taskwire.optimize;

import java.util.Map;

/**
 * A linear constraint on numeric parameters: {@code sum(coefficient * value) <= bound}. Trials an
 * optimiser proposes satisfy every constraint of their space.
 */
public record LinearConstraint(Map<String, Double> coefficients, double bound) {
  public LinearConstraint {
    // Sorted by name: the sum is taken in one order in every JVM (Map.copyOf's order changes from run to
    // run, and a sum in another order can fall on the other side of the bound).
    coefficients = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(coefficients));
    if (coefficients.isEmpty()) {
      throw new IllegalArgumentException("a linear constraint needs at least one parameter");
    }
    if (!Double.isFinite(bound) || coefficients.values().stream().anyMatch(c -> !Double.isFinite(c))) {
      throw new IllegalArgumentException("a linear constraint needs finite coefficients and bound, got "
          + coefficients + " <= " + bound);
    }
  }

  /** Whether the numeric parameters of a trial satisfy it. */
  public boolean holdsFor(Map<String, Object> parameters) {
    double sum = 0;
    for (Map.Entry<String, Double> c : coefficients.entrySet()) {
      sum += c.getValue() * ((Number) parameters.get(c.getKey())).doubleValue();
    }
    return sum <= bound;
  }
}
