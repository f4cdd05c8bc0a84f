package org.taskwire.optimize;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The hypervolume a set of points dominates up to a reference point, computed exactly for two and
 * three objectives: the measure multi-objective optimisers are compared by.
 */
public final class Hypervolume {
  private Hypervolume() {}

  /**
   * The hypervolume of completed trials, with each objective's threshold as the reference point
   * (maximised objectives are negated, so that larger is better as for minimised ones).
   *
   * @throws IllegalArgumentException if an objective has no threshold, or there are not 2 or 3
   */
  public static double of(List<TrialRecord> trials, List<Objective> objectives) {
    double[] reference = new double[objectives.size()];
    for (int i = 0; i < reference.length; i++) {
      Objective o = objectives.get(i);
      if (o.threshold() == null) {
        throw new IllegalArgumentException("the hypervolume needs a reference point: give objective '" + o.name()
            + "' a threshold (Objective.withThreshold)");
      }
      reference[i] = o.minimised(o.threshold());
    }
    List<double[]> points = new ArrayList<>();
    for (TrialRecord r : trials) {
      if (r.status() != TrialStatus.COMPLETED) {
        continue;
      }
      double[] p = new double[reference.length];
      for (int i = 0; i < p.length; i++) {
        Objective o = objectives.get(i);
        p[i] = o.minimised(r.measurements().get(o.name()).mean());
      }
      points.add(p);
    }
    return ofMinimised(points, reference);
  }

  /**
   * The hypervolume of points to be minimised, up to {@code reference}; points not better than
   * the reference in every objective add nothing.
   */
  public static double ofMinimised(List<double[]> points, double[] reference) {
    if (reference.length != 2 && reference.length != 3) {
      throw new IllegalArgumentException("the hypervolume is computed for 2 or 3 objectives, got " + reference.length);
    }
    List<double[]> inside = new ArrayList<>();
    for (double[] p : points) {
      if (p.length != reference.length) {
        throw new IllegalArgumentException("a point has " + p.length + " objectives, the reference " + reference.length);
      }
      boolean better = true;
      for (int i = 0; i < p.length; i++) {
        better &= p[i] < reference[i];
      }
      if (better) {
        inside.add(p);
      }
    }
    return reference.length == 2 ? area(inside, reference[0], reference[1]) : volume(inside, reference);
  }

  /** Two objectives: a sweep along the first, each point adding the strip it alone dominates. */
  private static double area(List<double[]> points, double r0, double r1) {
    List<double[]> sorted = new ArrayList<>(points);
    sorted.sort(Comparator.<double[]>comparingDouble(p -> p[0]).thenComparingDouble(p -> p[1]));
    double area = 0;
    double lowest = r1;
    for (int i = 0; i < sorted.size(); i++) {
      double[] p = sorted.get(i);
      if (p[1] >= lowest) {
        continue; // dominated by a point before it
      }
      double next = r0;
      for (int j = i + 1; j < sorted.size(); j++) {
        if (sorted.get(j)[1] < p[1]) {
          next = sorted.get(j)[0];
          break;
        }
      }
      area += (next - p[0]) * (r1 - p[1]);
      lowest = p[1];
    }
    return area;
  }

  /** Three objectives: slabs along the third, each the area its points dominate times its height. */
  private static double volume(List<double[]> points, double[] r) {
    List<double[]> sorted = new ArrayList<>(points);
    sorted.sort(Comparator.comparingDouble(p -> p[2]));
    double volume = 0;
    List<double[]> below = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      below.add(sorted.get(i));
      double top = i + 1 < sorted.size() ? sorted.get(i + 1)[2] : r[2];
      double height = top - sorted.get(i)[2];
      if (height > 0) {
        volume += height * area(below, r[0], r[1]);
      }
    }
    return volume;
  }
}
