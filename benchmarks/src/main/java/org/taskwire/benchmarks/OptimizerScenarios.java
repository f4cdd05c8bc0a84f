package org.taskwire.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.taskwire.optimize.Hypervolume;
import org.taskwire.optimize.Measurement;
import org.taskwire.optimize.Objective;
import org.taskwire.optimize.Optimizer;
import org.taskwire.optimize.Optimizers;
import org.taskwire.optimize.SearchSpace;
import org.taskwire.optimize.Trial;

/**
 * The optimisers on the standard test problems, same budget for each, over several seeds: on
 * Branin and Hartmann-6 the gap of the best value found to the known minimum (lower is better); on
 * BraninCurrin and DTLZ2 the hypervolume of the front found, against the problems' usual reference
 * points (higher is better; BoTorch's test problems give the same definitions). The functions are
 * evaluated in this JVM: what is measured is the optimisers' choices, not Taskwire's transport.
 */
final class OptimizerScenarios {
  private OptimizerScenarios() {}

  /** One optimiser on one problem: the metric's mean and standard deviation over the seeds. */
  record Row(String problem, String metric, int budget, int q, String method, double mean, double sd, int seeds,
      double secondsPerTrial) {}

  /** A test problem: its space, objectives, function and the metric reported. */
  private record Problem(String name, SearchSpace space, List<Objective> objectives,
      Function<Trial, Map<String, Measurement>> f, String metric, double optimum, int budget) {
    boolean single() {
      return objectives.size() == 1;
    }
  }

  private static SearchSpace unitCube(int d) {
    SearchSpace.Builder b = SearchSpace.builder();
    for (int i = 0; i < d; i++) {
      b.range("x" + i, 0, 1);
    }
    return b.build();
  }

  private static double[] x(Trial t, int d) {
    double[] x = new double[d];
    for (int i = 0; i < d; i++) {
      x[i] = t.number("x" + i);
    }
    return x;
  }

  static double branin(double u, double v) {
    double a = v - 5.1 / (4 * Math.PI * Math.PI) * u * u + 5 / Math.PI * u - 6;
    return a * a + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(u) + 10;
  }

  private static final double[] HARTMANN_ALPHA = {1.0, 1.2, 3.0, 3.2};
  private static final double[][] HARTMANN_A = {
      {10, 3, 17, 3.5, 1.7, 8}, {0.05, 10, 17, 0.1, 8, 14}, {3, 3.5, 1.7, 10, 17, 8}, {17, 8, 0.05, 10, 0.1, 14}};
  private static final double[][] HARTMANN_P = {
      {0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886}, {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
      {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650}, {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};

  static double hartmann6(double[] x) {
    double sum = 0;
    for (int i = 0; i < 4; i++) {
      double inner = 0;
      for (int j = 0; j < 6; j++) {
        inner += HARTMANN_A[i][j] * (x[j] - HARTMANN_P[i][j]) * (x[j] - HARTMANN_P[i][j]);
      }
      sum += HARTMANN_ALPHA[i] * Math.exp(-inner);
    }
    return -sum;
  }

  static double[] braninCurrin(double x0, double x1) {
    double currin = (1 - Math.exp(-1 / (2 * x1))) * (2300 * x0 * x0 * x0 + 1900 * x0 * x0 + 2092 * x0 + 60)
        / (100 * x0 * x0 * x0 + 500 * x0 * x0 + 4 * x0 + 20);
    return new double[] {branin(15 * x0 - 5, 15 * x1), currin};
  }

  static double[] dtlz2(double[] x) {
    double g = 0;
    for (int i = 1; i < x.length; i++) {
      g += (x[i] - 0.5) * (x[i] - 0.5);
    }
    return new double[] {(1 + g) * Math.cos(x[0] * Math.PI / 2), (1 + g) * Math.sin(x[0] * Math.PI / 2)};
  }

  private static List<Problem> problems() {
    List<Objective> two = List.of(Objective.minimize("f1"), Objective.minimize("f2"));
    return List.of(
        new Problem("Branin", SearchSpace.builder().range("x1", -5, 10).range("x2", 0, 15).build(),
            List.of(Objective.minimize("f")), t -> Map.of("f", Measurement.of(branin(t.number("x1"), t.number("x2")))),
            "gap to the minimum", 0.397887, 30),
        new Problem("Hartmann-6", unitCube(6), List.of(Objective.minimize("f")),
            t -> Map.of("f", Measurement.of(hartmann6(x(t, 6)))), "gap to the minimum", -3.32237, 60),
        new Problem("BraninCurrin", unitCube(2),
            List.of(two.get(0).withThreshold(18.0), two.get(1).withThreshold(6.0)), t -> {
              double[] f = braninCurrin(t.number("x0"), t.number("x1"));
              return Map.of("f1", Measurement.of(f[0]), "f2", Measurement.of(f[1]));
            }, "hypervolume (ref. 18, 6; max. 59.36)", 0, 40),
        new Problem("DTLZ2", unitCube(6), List.of(two.get(0).withThreshold(1.1), two.get(1).withThreshold(1.1)), t -> {
          double[] f = dtlz2(x(t, 6));
          return Map.of("f1", Measurement.of(f[0]), "f2", Measurement.of(f[1]));
        }, "hypervolume (ref. 1.1, 1.1; max. 0.4246)", 0, 60));
  }

  private static Optimizer make(String method, Problem p, long seed) {
    return switch (method) {
      case "sobol" -> Optimizers.sobol(p.space(), p.objectives(), seed);
      case "random" -> Optimizers.random(p.space(), p.objectives(), seed);
      case "gp" -> Optimizers.gp(p.space(), p.objectives(), seed);
      case "nsga2" -> Optimizers.nsga2(p.space(), p.objectives(), seed);
      case "parego" -> Optimizers.parego(p.space(), p.objectives(), seed);
      default -> throw new IllegalArgumentException(method);
    };
  }

  /** Runs the budget, {@code q} trials asked at a time, and returns the problem's metric. */
  private static double run(Optimizer o, Problem p, int budget, int q) {
    for (int done = 0; done < budget; done += q) {
      for (Trial t : o.ask(Math.min(q, budget - done))) {
        o.tell(t.id(), p.f().apply(t));
      }
    }
    if (p.single()) {
      return o.best().orElseThrow().measurements().get("f").mean() - p.optimum();
    }
    return Hypervolume.of(o.trials(), o.objectives());
  }

  static List<Row> run(Plan plan, Harness.Log log) {
    int seeds = plan.quick() ? 1 : 5;
    List<Row> rows = new ArrayList<>();
    for (Problem p : problems()) {
      int budget = plan.quick() ? Math.max(8, p.budget() / 4) : p.budget();
      List<String> methods = p.single() ? List.of("sobol", "random", "gp", "gp q4") : List.of("sobol", "nsga2", "parego",
          "parego q4");
      for (String m : methods) {
        String method = m.split(" ")[0];
        int q = m.endsWith("q4") ? 4 : 1;
        double[] values = new double[seeds];
        long started = System.nanoTime();
        for (int s = 0; s < seeds; s++) {
          values[s] = run(make(method, p, s + 1), p, budget, q);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double mean = 0;
        for (double v : values) {
          mean += v;
        }
        mean /= seeds;
        double var = 0;
        for (double v : values) {
          var += (v - mean) * (v - mean);
        }
        double sd = seeds > 1 ? Math.sqrt(var / (seeds - 1)) : 0;
        Row row = new Row(p.name(), p.metric(), budget, q, method, mean, sd, seeds, seconds / (seeds * budget));
        log.say("%s, %s q=%d: %s %.4g ± %.2g over %d seeds (%.3f s per trial)", p.name(), method, q, p.metric(), mean,
            sd, seeds, row.secondsPerTrial());
        rows.add(row);
      }
    }
    return rows;
  }
}
