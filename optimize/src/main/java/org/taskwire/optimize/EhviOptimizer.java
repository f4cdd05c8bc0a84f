package org.taskwire.optimize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

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
 * measurements carry standard errors or trials are running, the expectation is also taken over
 * what the observed and running points may really give (noisy EHVI, below): a noisy observation
 * is not taken at its word, and a proposal is judged given what the running trials may add to the
 * front. Failed trials are believed as {@link ExpectedImprovement.Pending} says.
 */
final class EhviOptimizer extends SobolStart {
  static final String NAME = "ehvi";
  /** Boxes of the non-dominated region at most; beyond, the front is thinned to its best-spread points. */
  private static final int MAX_CELLS = 20_000;
  /** Joint draws of the baseline for noisy EHVI: each draw has its own front and boxes. */
  private static final int NOISY_DRAWS = 32;

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
    // Integrated over the running trials and the observations' noise where there are either (NEHVI).
    boolean integrate = noisy || !pending.running().isEmpty();
    boolean[] categorical = ExpectedImprovement.categorical(space());
    GaussianProcess[] models = new GaussianProcess[m];
    for (int j = 0; j < m; j++) {
      int jj = j;
      double[] y = f.stream().mapToDouble(v -> v[jj]).toArray();
      double[] sem = sems.stream().mapToDouble(v -> v[jj]).toArray();
      models[j] = pending.withFailures(GaussianProcess.fit(x, y, sem, categorical), y);
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
    List<double[]> keptX = new ArrayList<>();
    for (int i = 0; i < points.size(); i++) {
      if (feasible(completed.get(i))) {
        kept.add(points.get(i));
        keptX.add(x.get(i));
      }
    }
    Feasibility feasibility = outcomeConstraints().isEmpty() ? null
        : Feasibility.fit(space(), outcomeConstraints(), completed, x, pending);
    if (kept.isEmpty()) {
      // Nothing counts yet: the point most likely to keep the constraints.
      return new FeasibleSearch(space(), tried(history), located(x, pending.all()), random)
          .maximise(feasibility::logProbability, List.of());
    }
    double[] reference = reference(kept);
    List<double[]> front = front(kept, reference);
    List<double[]> seeds = IntStream.range(0, x.size()).boxed()
        .filter(i -> front.stream().anyMatch(p -> p == points.get(i)))
        .map(x::get).toList();
    ToDoubleFunction<double[]> improvement = integrate
        ? noisyImprovement(models, keptX, pending.running(), feasibility == null, reference, random)
        : exactImprovement(models, boxes(front, reference));
    return new FeasibleSearch(space(), tried(history), located(x, pending.all()), random).maximise(p -> {
      double log = improvement.applyAsDouble(p);
      return feasibility == null ? log : log + feasibility.logProbability(p);
    }, seeds);
  }

  /** log EHVI over the front observed, under the models' independent predictions. */
  private static ToDoubleFunction<double[]> exactImprovement(GaussianProcess[] models, Boxes cells) {
    int m = models.length;
    return p -> {
      double[] mu = new double[m];
      double[] sigma = new double[m];
      for (int j = 0; j < m; j++) {
        double[] prediction = models[j].predict(p);
        mu[j] = prediction[0];
        sigma[j] = prediction[1];
      }
      return Math.log(expectedImprovement(cells, mu, sigma) + Double.MIN_NORMAL);
    };
  }

  /**
   * log noisy EHVI (Daulton et al., "Parallel Bayesian optimization of multiple noisy objectives
   * with expected hypervolume improvement", NeurIPS 2021; BoTorch's {@code qNEHVI}): the observed
   * points that may be on the front and the running trials' points are drawn jointly,
   * {@value #NOISY_DRAWS} times, objective by objective; in each draw the front is that of the drawn
   * values, and the candidate's outcomes are conditioned on the draw; the acquisition is the mean
   * of the exact EHVI over the draws.
   */
  private ToDoubleFunction<double[]> noisyImprovement(GaussianProcess[] models, List<double[]> keptX,
      List<double[]> pending, boolean pendingCompete, double[] reference, SplittableRandom random) {
    int m = models.length;
    List<double[]> baseline = mayBeOnFront(models, keptX, reference, random);
    List<double[]> points = new ArrayList<>(baseline);
    points.addAll(pending);
    GaussianProcess.Fantasies[] draws = draw(models, points, random);
    int counted = pendingCompete ? points.size() : baseline.size();
    Boxes[] cells = new Boxes[NOISY_DRAWS];
    for (int s = 0; s < NOISY_DRAWS; s++) {
      cells[s] = boxes(front(drawn(draws, s, counted), reference), reference);
    }
    return p -> {
      GaussianProcess.Conditional[] c = new GaussianProcess.Conditional[m];
      double[] sigma = new double[m];
      for (int j = 0; j < m; j++) {
        c[j] = draws[j].at(p);
        sigma[j] = c[j].deviation();
      }
      double sum = 0;
      double[] mu = new double[m];
      for (int s = 0; s < NOISY_DRAWS; s++) {
        for (int j = 0; j < m; j++) {
          mu[j] = c[j].means()[s];
        }
        sum += expectedImprovement(cells[s], mu, sigma);
      }
      return Math.log(sum / NOISY_DRAWS + Double.MIN_NORMAL);
    };
  }

  /** The observed points on the front of at least one joint draw of their values (BoTorch's {@code prune_baseline}). */
  private static List<double[]> mayBeOnFront(GaussianProcess[] models, List<double[]> x, double[] reference,
      SplittableRandom random) {
    if (x.size() <= 1) {
      return x;
    }
    GaussianProcess.Fantasies[] draws = draw(models, x, random);
    java.util.Set<Integer> onFront = new java.util.TreeSet<>();
    for (int s = 0; s < NOISY_DRAWS; s++) {
      List<double[]> drawn = drawn(draws, s, x.size());
      for (double[] p : front(drawn, reference)) {
        onFront.add(drawn.indexOf(p));
      }
    }
    return onFront.stream().map(x::get).toList();
  }

  /** {@value #NOISY_DRAWS} joint draws of each objective at {@code points}, objective after objective. */
  private static GaussianProcess.Fantasies[] draw(GaussianProcess[] models, List<double[]> points,
      SplittableRandom random) {
    GaussianProcess.Fantasies[] draws = new GaussianProcess.Fantasies[models.length];
    for (int j = 0; j < models.length; j++) {
      draws[j] = models[j].fantasies(points, NOISY_DRAWS, random);
    }
    return draws;
  }

  /** The first {@code count} points' outcomes in draw {@code s}, one array of objectives per point. */
  private static List<double[]> drawn(GaussianProcess.Fantasies[] draws, int s, int count) {
    List<double[]> drawn = new ArrayList<>();
    for (int a = 0; a < count; a++) {
      double[] v = new double[draws.length];
      for (int j = 0; j < draws.length; j++) {
        v[j] = draws[j].values(s)[a];
      }
      drawn.add(v);
    }
    return drawn;
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
        cdf[k] = StandardNormal.cdf(z);
        pdf[k] = StandardNormal.density(z);
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
