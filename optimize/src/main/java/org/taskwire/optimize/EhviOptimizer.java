package org.taskwire.optimize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Expected hypervolume improvement for two objectives or more (Emmerich, Giannakoglou and
 * Naujoks, "Single- and multiobjective evolutionary optimization assisted by Gaussian random field
 * metamodels", IEEE TEC 2006; BoTorch's {@code qEHVI} and Optuna's {@code GPSampler} for several
 * objectives): one {@link GaussianProcess} per objective, and the next point maximises the
 * expectation, under the models' independent predictions, of the hypervolume it would add to the
 * front so far. The expectation is exact: the region the front does not dominate, below the
 * reference point, is cut into boxes on the grid of the front's coordinates, and a box's share of
 * the improvement is a product of one-dimensional Gaussian integrals.
 *
 * <p>The reference point is each objective's threshold where it has one, else the worst value on
 * the front plus a tenth of the front's range (BoTorch's {@code infer_reference_point}). Where
 * measurements carry standard errors, the front is that of the models' posterior means at the
 * points observed, not of the noisy values (as BoTorch's noisy EHVI does on average). Running
 * trials are believed as {@link ExpectedImprovement.Pending} says, objective by objective.
 */
final class EhviOptimizer extends SobolStart {
  static final String NAME = "ehvi";
  private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);
  /** Boxes of the non-dominated region at most; beyond, the front is thinned to its best-spread points. */
  private static final int MAX_CELLS = 20_000;

  EhviOptimizer(SearchSpace space, List<Objective> objectives, long seed) {
    this(space, objectives, List.of(), seed);
  }

  EhviOptimizer(SearchSpace space, List<Objective> objectives, List<OutcomeConstraint> outcomeConstraints, long seed) {
    super(space, objectives, outcomeConstraints, seed);
    requireSeveral("EHVI", objectives);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Twice the dimension plus two, as BoTorch's multi-objective tutorial. */
  @Override
  int initialPoints() {
    return Math.max(5, 2 * (space().dimensions() + 1));
  }

  @Override
  double[] fromModel(List<TrialRecord> history, SplittableRandom random) {
    int m = objectives().size();
    List<double[]> x = new ArrayList<>();
    List<double[]> f = new ArrayList<>();
    List<double[]> sems = new ArrayList<>();
    ExpectedImprovement.Pending pending = ExpectedImprovement.Pending.of(this, history);
    List<TrialRecord> completed = new ArrayList<>();
    for (TrialRecord r : history) {
      double[] u = space().unit(r.trial().parameters());
      if (r.status() == TrialStatus.COMPLETED) {
        completed.add(r);
        x.add(u);
        f.add(minimised(r));
        double[] sem = new double[m];
        for (int j = 0; j < m; j++) {
          sem[j] = r.measurements().get(objectives().get(j).name()).sem();
        }
        sems.add(sem);
      }
    }
    if (x.size() < 2) {
      return null;
    }
    boolean noisy = sems.stream().flatMapToDouble(Arrays::stream).anyMatch(v -> v > 0);
    boolean[] categorical = ExpectedImprovement.categorical(space());
    GaussianProcess[] models = new GaussianProcess[m];
    for (int j = 0; j < m; j++) {
      int jj = j;
      double[] y = f.stream().mapToDouble(v -> v[jj]).toArray();
      double[] sem = sems.stream().mapToDouble(v -> v[jj]).toArray();
      GaussianProcess observed = GaussianProcess.fit(x, y, sem, categorical);
      models[j] = observed.believing(pending.points(), pending.believed(observed, y));
    }
    // The points the front is made of (those that keep the outcome constraints): observed values, or the models'
    // means where observations are noisy.
    List<double[]> points = new ArrayList<>();
    for (int i = 0; i < x.size(); i++) {
      if (!noisy) {
        points.add(f.get(i));
      } else {
        double[] mean = new double[m];
        for (int j = 0; j < m; j++) {
          mean[j] = models[j].predict(x.get(i))[0];
        }
        points.add(mean);
      }
    }
    List<double[]> kept = new ArrayList<>();
    for (int i = 0; i < points.size(); i++) {
      if (feasible(completed.get(i))) {
        kept.add(points.get(i));
      }
    }
    Feasibility feasibility = outcomeConstraints().isEmpty() ? null
        : Feasibility.fit(space(), outcomeConstraints(), completed, x, pending);
    if (kept.isEmpty()) {
      // Nothing counts yet: the point most likely to keep the constraints.
      return new FeasibleSearch(space(), tried(history), located(x, pending.points()), random)
          .maximise(feasibility::logProbability, List.of());
    }
    double[] reference = reference(kept);
    List<double[]> front = front(kept, reference);
    Boxes cells = boxes(front, reference);
    List<double[]> seeds = IntStream.range(0, x.size()).boxed()
        .filter(i -> front.stream().anyMatch(p -> p == points.get(i)))
        .map(x::get).toList();
    return new FeasibleSearch(space(), tried(history), located(x, pending.points()), random).maximise(p -> {
      double[] mu = new double[m];
      double[] sigma = new double[m];
      for (int j = 0; j < m; j++) {
        double[] prediction = models[j].predict(p);
        mu[j] = prediction[0];
        sigma[j] = prediction[1];
      }
      double log = Math.log(expectedImprovement(cells, mu, sigma) + Double.MIN_NORMAL);
      return feasibility == null ? log : log + feasibility.logProbability(p);
    }, seeds);
  }

  private static List<double[]> located(List<double[]> x, List<double[]> pending) {
    List<double[]> all = new ArrayList<>(x);
    all.addAll(pending);
    return all;
  }

  /** Each objective's threshold (turned to be minimised), else the front's worst value plus a tenth of its range. */
  private double[] reference(List<double[]> points) {
    int m = objectives().size();
    double[] reference = new double[m];
    List<double[]> front = front(points, null);
    for (int j = 0; j < m; j++) {
      Objective o = objectives().get(j);
      if (o.threshold() != null) {
        reference[j] = o.minimised(o.threshold());
      } else {
        int jj = j;
        double worst = front.stream().mapToDouble(v -> v[jj]).max().orElseThrow();
        double best = front.stream().mapToDouble(v -> v[jj]).min().orElseThrow();
        reference[j] = worst + 0.1 * Math.max(worst - best, 1e-9 * Math.max(1, Math.abs(worst)));
      }
    }
    return reference;
  }

  /** The points no other point dominates, strictly below the reference point where there is one. */
  private static List<double[]> front(List<double[]> points, double[] reference) {
    List<double[]> inside = points.stream().filter(p -> reference == null || below(p, reference)).toList();
    List<double[]> front = new ArrayList<>();
    for (double[] p : inside) {
      if (inside.stream().noneMatch(q -> q != p && dominates(q, p))) {
        front.add(p);
      }
    }
    return front;
  }

  private static boolean below(double[] p, double[] reference) {
    for (int j = 0; j < p.length; j++) {
      if (!(p[j] < reference[j])) {
        return false;
      }
    }
    return true;
  }

  private static boolean dominates(double[] a, double[] b) {
    boolean strictly = false;
    for (int j = 0; j < a.length; j++) {
      if (a[j] > b[j]) {
        return false;
      }
      strictly |= a[j] < b[j];
    }
    return strictly;
  }

  /**
   * The region below the reference point that no front point weakly dominates, cut into boxes on
   * the grid of the front's coordinates: {@code grid[j]} holds objective j's coordinates from −∞ to
   * the reference point, and each cell the indices, one per objective, of its lower bounds in it
   * (its upper bounds are the next coordinates).
   */
  record Boxes(double[][] grid, List<int[]> cells) {}

  static Boxes boxes(List<double[]> front, double[] reference) {
    int m = reference.length;
    List<double[]> kept = new ArrayList<>(front);
    // (k + 1)^m boxes: thin a front too large for that, keeping its spread along the first objective.
    while (Math.pow(kept.size() + 1, m) > MAX_CELLS && kept.size() > 2) {
      kept.sort(Comparator.comparingDouble(p -> p[0]));
      List<double[]> thinned = new ArrayList<>();
      for (int i = 0; i < kept.size(); i += 2) {
        thinned.add(kept.get(i));
      }
      kept = thinned;
    }
    double[][] grid = new double[m][];
    for (int j = 0; j < m; j++) {
      int jj = j;
      double[] coordinates = kept.stream().mapToDouble(p -> p[jj]).distinct().sorted().toArray();
      grid[j] = new double[coordinates.length + 2];
      grid[j][0] = Double.NEGATIVE_INFINITY;
      System.arraycopy(coordinates, 0, grid[j], 1, coordinates.length);
      grid[j][coordinates.length + 1] = reference[j];
    }
    List<int[]> cells = new ArrayList<>();
    int[] index = new int[m];
    while (true) {
      boolean dominated = false;
      for (double[] p : kept) {
        boolean below = true;
        for (int j = 0; j < m && below; j++) {
          below = p[j] <= grid[j][index[j]];
        }
        if (below) {
          dominated = true;
          break;
        }
      }
      if (!dominated) {
        cells.add(index.clone());
      }
      int j = 0;
      while (j < m && ++index[j] == grid[j].length - 1) {
        index[j++] = 0;
      }
      if (j == m) {
        break;
      }
    }
    return new Boxes(grid, cells);
  }

  /**
   * The expected hypervolume improvement of independent Gaussian outcomes over the boxes: each
   * objective's expected reach into each of its grid intervals once, then a product per box.
   */
  static double expectedImprovement(Boxes boxes, double[] mu, double[] sigma) {
    int m = mu.length;
    double[][] reach = new double[m][];
    for (int j = 0; j < m; j++) {
      double[] g = boxes.grid()[j];
      double[] cdf = new double[g.length];
      double[] pdf = new double[g.length];
      for (int k = 1; k < g.length; k++) {
        double z = (g[k] - mu[j]) / sigma[j];
        cdf[k] = NORMAL.cumulativeProbability(z);
        pdf[k] = NORMAL.density(z);
      }
      reach[j] = new double[g.length - 1];
      for (int k = 0; k < g.length - 1; k++) {
        double u = g[k + 1];
        // E[max(0, u − max(l, Y))]: below l the outcome counts as reaching l.
        double r = (u - mu[j]) * (cdf[k + 1] - cdf[k]) + sigma[j] * (pdf[k + 1] - pdf[k]);
        if (k > 0) {
          r += (u - g[k]) * cdf[k];
        }
        reach[j][k] = Math.max(0, r);
      }
    }
    double sum = 0;
    for (int[] cell : boxes.cells()) {
      double product = 1;
      for (int j = 0; j < m && product > 0; j++) {
        product *= reach[j][cell[j]];
      }
      sum += product;
    }
    return sum;
  }
}
