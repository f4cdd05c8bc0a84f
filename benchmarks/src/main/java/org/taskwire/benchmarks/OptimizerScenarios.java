package org.taskwire.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.taskwire.optimize.Hypervolume;
import org.taskwire.optimize.Measurement;
import org.taskwire.optimize.Objective;
import org.taskwire.optimize.Optimizer;
import org.taskwire.optimize.OptimizerState;
import org.taskwire.optimize.Optimizers;
import org.taskwire.optimize.SearchSpace;
import org.taskwire.optimize.Trial;
import org.taskwire.optimize.TrialRecord;
import org.taskwire.optimize.TrialStatus;

/**
 * The optimisers on the standard test problems, same budget for each, over several seeds: on
 * Branin and Hartmann-6 the gap of the best value found to the known minimum (lower is better); on
 * BraninCurrin and DTLZ2 the hypervolume of the front found, against the problems' usual reference
 * points (higher is better; BoTorch's test problems give the same definitions); the two noisy
 * settings of BoTorch's tutorials, told noisy values with their standard errors and scored on the
 * true values of the points evaluated; and two problems under a linear constraint that cuts off
 * their optimum. The functions are evaluated in this JVM: what is measured is the optimisers'
 * choices, not Taskwire's transport. Also the time of one ask at 50, 200 and 500 observations.
 */
final class OptimizerScenarios {
  private OptimizerScenarios() {}

  /**
   * One optimiser on one problem: the metric's mean and standard error over the seeds, and the
   * slowest single ask seen.
   */
  record Row(String problem, String metric, int budget, int q, String method, double mean, double se, int seeds,
      double secondsPerTrial, double slowestAsk) {}

  /**
   * A test problem: its space, objectives, function (true values), the noise added to what the
   * optimiser is told (a standard deviation per objective, 0 for none), the metric over the true
   * values of the points evaluated, and the methods run on it ("gp q4": four asked at a time).
   */
  private record Problem(String name, SearchSpace space, List<Objective> objectives, Function<Trial, double[]> f,
      double[] noise, String metric, ToDoubleFunction<List<double[]>> score, int budget, List<String> methods) {
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
    List<Objective> f = List.of(Objective.minimize("f"));
    List<Objective> twoBc = List.of(Objective.minimize("f1").withThreshold(18.0), Objective.minimize("f2").withThreshold(6.0));
    List<Objective> twoDtlz = List.of(Objective.minimize("f1").withThreshold(1.1), Objective.minimize("f2").withThreshold(1.1));
    SearchSpace braninSpace = SearchSpace.builder().range("x1", -5, 10).range("x2", 0, 15).build();
    Function<Trial, double[]> braninF = t -> new double[] {branin(t.number("x1"), t.number("x2"))};
    Function<Trial, double[]> hartmannF = t -> new double[] {hartmann6(x(t, 6))};
    Function<Trial, double[]> braninCurrinF = t -> braninCurrin(t.number("x0"), t.number("x1"));
    List<String> single = List.of("sobol", "random", "gp", "gp q4");
    List<String> multi = List.of("sobol", "nsga2", "parego", "ehvi", "ehvi q4");
    SearchSpace.Builder h6 = SearchSpace.builder();
    Map<String, Integer> sum = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 6; i++) {
      h6.range("x" + i, 0, 1);
      sum.put("x" + i, 1);
    }
    return List.of(
        new Problem("Branin", braninSpace, f, braninF, null, "gap to the minimum", gap(0.397887), 30, single),
        new Problem("Hartmann-6", unitCube(6), f, hartmannF, null, "gap to the minimum", gap(-3.32237), 60, single),
        new Problem("BraninCurrin", unitCube(2), twoBc, braninCurrinF, null, "hypervolume (ref. 18, 6; max. 59.36)",
            hypervolume(twoBc), 40, multi),
        new Problem("DTLZ2", unitCube(6), twoDtlz, t -> dtlz2(x(t, 6)), null, "hypervolume (ref. 1.1, 1.1; max. 0.4246)",
            hypervolume(twoDtlz), 60, multi),
        new Problem("noisy BraninCurrin", unitCube(2), twoBc, braninCurrinF, new double[] {15.19, 0.63},
            "true hypervolume (σ = 15.19, 0.63; max. 59.36)", hypervolume(twoBc), 86, List.of("parego q4", "ehvi q4")),
        new Problem("noisy Hartmann-6", unitCube(6), f, hartmannF, new double[] {0.25},
            "best true value (σ = 0.25; max. 3.322)", values -> -values.stream().mapToDouble(v -> v[0]).min().orElseThrow(),
            70, List.of("sobol", "gp q3")),
        new Problem("Branin, x1 + x2 ≤ 5", SearchSpace.builder().range("x1", -5, 10).range("x2", 0, 15)
            .constraint(Map.of("x1", 1, "x2", 1), 5).build(), f, braninF, null, "gap to the constrained minimum",
            gap(constrainedBraninMinimum()), 30, List.of("sobol", "gp", "gp q4")),
        new Problem("Hartmann-6, Σx ≤ 1.5", h6.constraint(sum, 1.5).build(), f, hartmannF, null,
            "best value (lower is better)", values -> values.stream().mapToDouble(v -> v[0]).min().orElseThrow(), 60,
            List.of("sobol", "gp", "gp q4")));
  }

  private static ToDoubleFunction<List<double[]>> gap(double minimum) {
    return values -> values.stream().mapToDouble(v -> v[0]).min().orElseThrow() - minimum;
  }

  /** The hypervolume of the true values' front, as Hypervolume computes it for trials. */
  private static ToDoubleFunction<List<double[]>> hypervolume(List<Objective> objectives) {
    return values -> {
      List<TrialRecord> records = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        Map<String, Measurement> m = new java.util.HashMap<>();
        for (int j = 0; j < objectives.size(); j++) {
          m.put(objectives.get(j).name(), Measurement.of(values.get(i)[j]));
        }
        records.add(new TrialRecord(new Trial(i, Map.of("i", (long) i)), TrialStatus.COMPLETED, m, null));
      }
      return Hypervolume.of(records, objectives);
    };
  }

  /** Branin's minimum on x1 + x2 = 5, where the constraint holds it (all three free minima lie beyond). */
  static double constrainedBraninMinimum() {
    double best = Double.POSITIVE_INFINITY;
    for (int i = 0; i <= 2_000_000; i++) {
      double x1 = -5 + 10.0 * i / 2_000_000;
      best = Math.min(best, branin(x1, 5 - x1));
    }
    return best;
  }

  private static Optimizer make(String method, Problem p, long seed) {
    return switch (method) {
      case "sobol" -> Optimizers.sobol(p.space(), p.objectives(), seed);
      case "random" -> Optimizers.random(p.space(), p.objectives(), seed);
      case "gp" -> Optimizers.gp(p.space(), p.objectives(), seed);
      case "nsga2" -> Optimizers.nsga2(p.space(), p.objectives(), seed);
      case "parego" -> Optimizers.parego(p.space(), p.objectives(), seed);
      case "ehvi" -> Optimizers.ehvi(p.space(), p.objectives(), seed);
      default -> throw new IllegalArgumentException(method);
    };
  }

  /** One seed's run: the metric, and the slowest ask. */
  private record Outcome(double metric, double slowestAsk) {}

  /** Runs the budget, {@code q} trials asked at a time, and returns the problem's metric on the true values. */
  private static Outcome run(Optimizer o, Problem p, int budget, int q, long seed) {
    java.util.SplittableRandom noise = new java.util.SplittableRandom(seed * 7919);
    List<double[]> truths = new ArrayList<>();
    double slowest = 0;
    for (int done = 0; done < budget; done += q) {
      long started = System.nanoTime();
      List<Trial> asked = o.ask(Math.min(q, budget - done));
      slowest = Math.max(slowest, (System.nanoTime() - started) / 1e9);
      for (Trial t : asked) {
        double[] truth = p.f().apply(t);
        truths.add(truth);
        Map<String, Measurement> told = new java.util.HashMap<>();
        for (int j = 0; j < truth.length; j++) {
          double sigma = p.noise() == null ? 0 : p.noise()[j];
          told.put(p.objectives().get(j).name(), sigma == 0 ? Measurement.of(truth[j])
              : Measurement.of(truth[j] + sigma * gaussian(noise), sigma));
        }
        o.tell(t.id(), told);
      }
    }
    return new Outcome(p.score().applyAsDouble(truths), slowest);
  }

  private static double gaussian(java.util.SplittableRandom random) {
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  static List<Row> run(Plan plan, Harness.Log log) {
    int seeds = plan.quick() ? 1 : 10;
    List<Row> rows = new ArrayList<>();
    for (Problem p : problems()) {
      int budget = plan.quick() ? Math.max(8, p.budget() / 4) : p.budget();
      for (String m : p.methods()) {
        String method = m.split(" ")[0];
        int q = m.contains(" q") ? Integer.parseInt(m.substring(m.indexOf(" q") + 2)) : 1;
        double[] values = new double[seeds];
        double slowest = 0;
        long started = System.nanoTime();
        for (int s = 0; s < seeds; s++) {
          Outcome outcome = run(make(method, p, s + 1), p, budget, q, s + 1);
          values[s] = outcome.metric();
          slowest = Math.max(slowest, outcome.slowestAsk());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double mean = java.util.Arrays.stream(values).average().orElseThrow();
        double var = java.util.Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum();
        double se = seeds > 1 ? Math.sqrt(var / (seeds - 1) / seeds) : 0;
        Row row = new Row(p.name(), p.metric(), budget, q, method, mean, se, seeds, seconds / (seeds * budget), slowest);
        log.say("%s, %s q=%d: %s %.4g ± %.2g over %d seeds (%.3f s per trial, slowest ask %.3f s)", p.name(), method, q,
            p.metric(), mean, se, seeds, row.secondsPerTrial(), slowest);
        rows.add(row);
      }
    }
    return rows;
  }

  /**
   * The time of one ask of the GP on Hartmann-6 with 50, 200 and 500 observations and three trials
   * running, in a warm JVM (each size asked three times, the last timed), and the slowest ask of the
   * constrained Hartmann-6 problem at 50 observations.
   */
  static List<Figure> askTimes(Plan plan, Harness.Log log) {
    List<Figure> figures = new ArrayList<>();
    SearchSpace space = unitCube(6);
    List<Objective> f = List.of(Objective.minimize("f"));
    for (int n : plan.quick() ? new int[] {50} : new int[] {50, 200, 500}) {
      java.util.SplittableRandom random = new java.util.SplittableRandom(n);
      List<TrialRecord> trials = new ArrayList<>();
      for (int i = 0; i < n + 3; i++) {
        double[] u = new double[6];
        for (int j = 0; j < 6; j++) {
          u[j] = random.nextDouble();
        }
        Trial t = new Trial(i, space.at(u));
        trials.add(i < n ? new TrialRecord(t, TrialStatus.COMPLETED, Map.of("f", Measurement.of(hartmann6(u))), null)
            : new TrialRecord(t, TrialStatus.RUNNING, Map.of(), null));
      }
      double seconds = 0;
      for (int k = 0; k < 3; k++) {
        Optimizer o = Optimizers.load(new OptimizerState("gp-ei", k + 1, n + 3, trials), space, f);
        long started = System.nanoTime();
        o.ask(1);
        seconds = (System.nanoTime() - started) / 1e9;
      }
      log.say("GP ask on Hartmann-6 at %d observations, 3 running: %.3f s", n, seconds);
      figures.add(Figure.of("optimizer_ask_" + n, seconds * 1000, "ms", 1,
          "one GP ask on Hartmann-6 with " + n + " observations and 3 trials running, warm JVM"));
    }
    return figures;
  }
}
