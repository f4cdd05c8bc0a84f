package org.taskwire.samples.aid2e;

import java.util.List;
import java.util.Map;
import org.taskwire.Grid;
import org.taskwire.annotations.Work;
import org.taskwire.annotations.Workflow;

/**
 * The AID2E tutorial's detector study, ported: the objective functions of its three examples as
 * work methods. The optimiser only sees the last step of each; {@link Study} wires the steps.
 *
 * <ul>
 *   <li>simple: {@link #objective}, the tutorial's {@code objective_function};
 *   <li>two-step: {@link #simrecoana} then {@link #ana}, one-to-one: {@code objective_function_step}
 *       and {@code objective_function_ana}, {@code xyz} passed on;
 *   <li>global: {@link #simreco} per (particle, η) grid point, merged all-to-one by {@link #merge},
 *       which sums them as the tutorial's {@code objective_function_ana} does.
 * </ul>
 */
@Workflow(name = "aid2e", maxAttempts = 1)
public final class DetectorStudy {
  private DetectorStudy() {}

  /** A grid point of the global parameters: the key of the simulation fan-out. */
  public record GridPoint(String particle, double eta) {}

  /** The tutorial's global parameters, {@code particles = [pi+, kaon+]}, {@code eta_points = [0.1, 0.2]}. */
  public static final List<GridPoint> GRID =
      Grid.product(GridPoint::new, List.of("pi+", "kaon+"), List.of(0.1, 0.2));

  /** {@code objective_function(x, y)}: minimal at (0.5, 0.5). */
  @Work(memoryMb = 512, walltime = "10m")
  static double objective(double x, double y) {
    return (x - 0.5) * (x - 0.5) + (y - 0.5) * (y - 0.5);
  }

  /**
   * The second objective of the two-objective study ({@code mobo --problem aid2e}): the material
   * cost of a design, here the sum of its two parameters (larger means more radiator).
   */
  @Work(memoryMb = 256, walltime = "10m")
  static double cost(double x, double y) {
    return x + y;
  }

  /** The first step of the two-step example, {@code objective_function_step(x, y)}: its {@code xyz}. */
  @Work(memoryMb = 512, walltime = "1h")
  static double simrecoana(double x, double y) {
    return (x - 0.5) * (x - 0.5) + (y - 0.5) * (y - 0.5);
  }

  /** The final step, {@code objective_function_ana(x, y, xyz)}, fed one-to-one by {@link #simrecoana}. */
  @Work(memoryMb = 512, walltime = "10m")
  static double ana(double x, double y, double xyz) {
    return (x - 0.5) * (x - 0.5) + (y - 0.5) * (y - 0.5) + xyz * 0.1;
  }

  /**
   * The simulation of one grid point, {@code objective_function_step(x, y, particles, eta_points)}.
   * For the demonstration of a failing grid point, the kaon+ simulation at η = 0.2 fails for
   * {@code x > failAbove} (pass 1 or more never to fail).
   */
  @Work(memoryMb = 512, walltime = "1h")
  static double simreco(double x, double y, String particle, double eta, double failAbove) {
    if (particle.equals("kaon+") && eta == 0.2 && x > failAbove) {
      throw new IllegalStateException("kaon+ at eta=0.2: no track reaches the RICH for x=" + x);
    }
    switch (particle) {
      case "pi+":
        return (Math.pow(x - 0.5, 3) + Math.pow(y - 0.5, 3)) * eta;
      case "kaon+":
        return ((x - 0.5) * (x - 0.5) + (y - 0.5) * (y - 0.5)) * eta;
      default:
        return 0.1;
    }
  }

  /**
   * The final step of the global example, all-to-one: the tutorial's {@code objective_function_ana}
   * summing {@code xyz} over every grid point, here keyed by {@link GridPoint} instead of tuples.
   */
  @Work(memoryMb = 512, walltime = "10m")
  static double merge(double x, double y, Map<GridPoint, Double> xyz) {
    double sum = 0;
    for (GridPoint point : GRID) {
      Double value = xyz.get(point);
      if (value == null) {
        throw new IllegalArgumentException("no simulation result for " + point + "; got " + xyz.keySet());
      }
      sum += value;
    }
    return (x - 0.5) * (x - 0.5) + (y - 0.5) * (y - 0.5) + sum * 0.1;
  }
}
