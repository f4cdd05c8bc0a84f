package org.taskwire.samples.aid2e;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.taskwire.DataFile;
import org.taskwire.EventRange;
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
 *       which sums them as the tutorial's {@code objective_function_ana} does;
 *   <li>datasets, the tutorial's "Multiple Step with Rucio": {@link #simrecoEvents} per grid point
 *       and slice of its 200 events (jobs of 100), each writing {@code my_test.txt} instead of
 *       returning a value; {@link #anaDataset} per grid point reading its dataset's files,
 *       one-to-one; {@link #merge} all-to-one.
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

  /** One job of a grid point's simulation: the point and its slice of the events. */
  public record Job(GridPoint point, EventRange events) {}

  /** The datasets example's jobs: each grid point's {@code num_events = 200} in jobs of {@code num_events_per_job = 100}. */
  public static final List<Job> JOBS = Grid.product(Job::new, GRID, EventRange.split(200, 100));

  /**
   * The datasets example's simulation, {@code objective_function_step_simreco}: one job's slice of a
   * grid point's events, written to {@code my_test.txt} as the tutorial's JSON instead of returned
   * (a real one writes ROOT files too big for a message). Each slice holds its share of the point's
   * {@code xyz}, so that its dataset sums to the global example's value. With Rucio, a grid point's
   * files of one design point form a dataset, the tutorial's
   * {@code {prefix}.simreco.#global_parameter_key.#job_id}.
   */
  @Work(memoryMb = 512, walltime = "1h", dataset = "{run}.{work}.{point}.x{x}_y{y}")
  static DataFile simrecoEvents(double x, double y, GridPoint point, EventRange events) throws IOException {
    double xyz = simreco(x, y, point.particle(), point.eta(), 1) * events.fraction();
    DataFile out = DataFile.create("my_test.txt");
    Files.writeString(out.path(), "{\"xyz\": " + xyz + "}");
    return out;
  }

  private static final Pattern XYZ = Pattern.compile("\"xyz\":\\s*(\\S+?)}");

  /**
   * The datasets example's analysis, {@code objective_function_step_ana(..., input_file_names)}: the
   * sum of {@code xyz} over the files of its grid point's dataset.
   */
  @Work(memoryMb = 512, walltime = "10m")
  static double anaDataset(Map<Job, DataFile> dataset) throws IOException {
    double sum = 0;
    for (DataFile file : dataset.values()) {
      String json = Files.readString(file.path());
      Matcher m = XYZ.matcher(json);
      if (!m.find()) {
        throw new IllegalArgumentException("no xyz in " + file.name() + " of " + file.uri() + ": " + json);
      }
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
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
