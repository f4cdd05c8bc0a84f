package org.taskwire.optimize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;
import org.apache.commons.math3.optim.univariate.BrentOptimizer;
import org.apache.commons.math3.optim.univariate.SearchInterval;
import org.apache.commons.math3.optim.univariate.UnivariateObjectiveFunction;

/**
 * The point of a search space that maximises an acquisition function, among those its constraints
 * allow and no trial has taken yet, as BoTorch's {@code optimize_acqf} and Optuna's mixed search
 * find it: many candidates spread over the feasible region, the best few refined by a local
 * optimiser, then each integer and choice moved a level at a time.
 *
 * <p>Every point it evaluates is inside the constraints by construction: candidates are drawn
 * uniformly in the cube and kept if feasible, or, where the feasible region is too small for that,
 * by hit-and-run from the trials' points (which are feasible); the local optimiser (BOBYQA over
 * the real coordinates) evaluates a point outside at its projection back onto the region along
 * the segment from where it started, less a penalty for the distance, so that it can settle on an
 * active constraint. Integers and choices are evaluated at their slices' middles: a choice is a
 * category, an integer is scored as the value it will take.
 */
final class FeasibleSearch {
  private static final int RAW = 1024;
  private static final int NEAR_SEEDS = 5;
  private static final int NEAR_EACH = 24;
  private static final int STARTS = 10;
  private static final int LOCAL_EVALUATIONS = 200;
  private static final double PENALTY = 100;

  private final SearchSpace space;
  private final Set<Map<String, Object>> tried;
  private final List<double[]> anchors;
  private final SplittableRandom random;
  private final int d;
  /** Candidates drawn inside the constraints but taken by a trial already. */
  private int feasibleButTried;

  /**
   * @param tried the parameters of every trial so far, which it does not propose again
   * @param anchors points known to satisfy the constraints (the trials'), at least one
   */
  FeasibleSearch(SearchSpace space, Set<Map<String, Object>> tried, List<double[]> anchors, SplittableRandom random) {
    this.space = space;
    this.tried = tried;
    this.anchors = anchors.stream().filter(a -> space.allowsUnit(a)).toList();
    this.random = random;
    this.d = space.dimensions();
  }

  /** A point evaluated, and its value. */
  private record Scored(double[] point, double value) {}

  /**
   * The best untried feasible point found.
   *
   * @param seeds points to search near first (the best trials), feasible
   * @throws IllegalStateException if no untried point satisfies the constraints
   */
  double[] maximise(ToDoubleFunction<double[]> f, List<double[]> seeds) {
    // Scored and refined on every core: each candidate and each local search on its own, so that the
    // outcome does not depend on the order threads run in.
    List<double[]> drawn = candidates(seeds);
    List<Scored> raw = new ArrayList<>(java.util.stream.IntStream.range(0, drawn.size()).parallel()
        .mapToObj(i -> new Scored(drawn.get(i), f.applyAsDouble(drawn.get(i)))).toList());
    raw.sort(Comparator.comparingDouble(Scored::value).reversed());
    if (raw.isEmpty()) {
      throw new IllegalStateException(feasibleButTried > 0
          ? "no untried point in " + feasibleButTried + " drawn: the space " + space + " has (almost) no point left "
              + "that no trial has taken"
          : "no point drawn satisfies the constraints " + space.constraints() + "; they leave (almost) no room in the "
              + "space");
    }
    List<Scored> refined = starts(raw, seeds).parallelStream().map(start -> refine(f, start)).toList();
    Scored best = raw.get(0);
    for (Scored local : refined) {
      if (local.value() > best.value()) {
        best = local;
      }
    }
    return best.point();
  }

  /**
   * Where local searches start: the best candidate, the best trial's point, and candidates drawn
   * with probability growing as their value (Optuna's roulette over {@code exp(value − max)}),
   * so that other basins than the best one get refined too.
   */
  private List<Scored> starts(List<Scored> raw, List<double[]> seeds) {
    List<Scored> starts = new ArrayList<>(List.of(raw.get(0)));
    if (!seeds.isEmpty() && fits(seeds.get(0))) {
      starts.add(new Scored(seeds.get(0), Double.NEGATIVE_INFINITY));
    }
    double top = raw.get(0).value();
    double[] weight = new double[raw.size()];
    double total = 0;
    for (int i = 1; i < raw.size(); i++) {
      weight[i] = Math.exp(raw.get(i).value() - top);
      total += weight[i];
    }
    while (starts.size() < STARTS && total > 1e-300) {
      double pick = random.nextDouble() * total;
      int i = 1;
      while (i < raw.size() - 1 && pick > weight[i]) {
        pick -= weight[i++];
      }
      starts.add(raw.get(i));
      total -= weight[i];
      weight[i] = 0;
    }
    return starts;
  }

  /** Random feasible points, and points near the seeds, all snapped and untried. */
  private List<double[]> candidates(List<double[]> seeds) {
    List<double[]> out = new ArrayList<>();
    int attempts = 0;
    while (out.size() < RAW && attempts < 8 * RAW) {
      attempts++;
      double[] u = new double[d];
      for (int i = 0; i < d; i++) {
        u[i] = random.nextDouble();
      }
      keepIfFit(space.snapped(u), out);
    }
    if (out.size() < RAW / 4 && !anchors.isEmpty()) {
      // The region is a small part of the cube: walk inside it instead.
      double[] at = anchors.get(random.nextInt(anchors.size())).clone();
      for (int step = 0; out.size() < RAW && step < 4 * RAW; step++) {
        at = hitAndRun(at);
        keepIfFit(space.snapped(at), out);
      }
    }
    for (double[] seed : seeds.subList(0, Math.min(NEAR_SEEDS, seeds.size()))) {
      for (int k = 0; k < NEAR_EACH; k++) {
        double width = k < NEAR_EACH / 2 ? 0.02 : 0.1;
        double[] u = new double[d];
        for (int i = 0; i < d; i++) {
          u[i] = Math.min(1, Math.max(0, seed[i] + width * StandardNormal.draw(random)));
        }
        keepIfFit(space.snapped(repaired(u, seed)), out);
      }
    }
    return out;
  }

  private void keepIfFit(double[] u, List<double[]> out) {
    if (fits(u)) {
      out.add(u);
    } else if (space.allowsUnit(u)) {
      feasibleButTried++;
    }
  }

  /** Whether a snapped point satisfies the constraints and no trial has its parameters. */
  private boolean fits(double[] u) {
    return space.allowsUnit(u) && !tried.contains(space.at(u));
  }

  /** One hit-and-run step: a uniform point on the feasible chord through {@code x} in a random direction. */
  private double[] hitAndRun(double[] x) {
    double[] dir = new double[d];
    for (int i = 0; i < d; i++) {
      dir[i] = StandardNormal.draw(random);
    }
    double high = Math.min(reach(x, dir), 1e9);
    for (int i = 0; i < d; i++) {
      dir[i] = -dir[i];
    }
    double low = Math.min(reach(x, dir), 1e9);
    double t = -low + random.nextDouble() * (high + low);
    double[] next = new double[d];
    for (int i = 0; i < d; i++) {
      // dir is negated: a step of t along the original direction.
      next[i] = Math.min(1, Math.max(0, x[i] - t * dir[i]));
    }
    return space.allowsUnit(next) ? next : x;
  }

  /** How far from feasible {@code x} the region reaches along {@code dir}: the cube's faces exactly, the constraints by bisection. */
  private double reach(double[] x, double[] dir) {
    double t = Double.POSITIVE_INFINITY;
    for (int i = 0; i < d; i++) {
      if (dir[i] > 0) {
        t = Math.min(t, (1 - x[i]) / dir[i]);
      } else if (dir[i] < 0) {
        t = Math.min(t, -x[i] / dir[i]);
      }
    }
    return Double.isFinite(t) ? lastAllowed(x, dir, t) : 0;
  }

  /** The largest step in [0, {@code most}] along {@code dir} from feasible {@code x} that stays feasible, by bisection. */
  private double lastAllowed(double[] x, double[] dir, double most) {
    if (space.allowsUnit(along(x, dir, most))) {
      return most;
    }
    double lo = 0;
    double hi = most;
    for (int k = 0; k < 40; k++) {
      double mid = 0.5 * (lo + hi);
      if (space.allowsUnit(along(x, dir, mid))) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static double[] along(double[] x, double[] dir, double t) {
    double[] p = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      p[i] = Math.min(1, Math.max(0, x[i] + t * dir[i]));
    }
    return p;
  }

  /** {@code u} if feasible, else the feasible point nearest it on the segment from feasible {@code anchor}. */
  private double[] repaired(double[] u, double[] anchor) {
    if (space.allowsUnit(u)) {
      return u;
    }
    double[] dir = new double[d];
    for (int i = 0; i < d; i++) {
      dir[i] = u[i] - anchor[i];
    }
    return along(anchor, dir, lastAllowed(anchor, dir, 1));
  }

  /** A start refined: its real coordinates by BOBYQA (Brent for one), then its integers and choices level by level. */
  private Scored refine(ToDoubleFunction<double[]> f, Scored start) {
    int[] real = java.util.stream.IntStream.range(0, d).filter(i -> space.levels(i) == 0).toArray();
    Scored[] best = {start};
    double[] origin = start.point();
    ToDoubleFunction<double[]> objective = v -> {
      double[] u = origin.clone();
      for (int k = 0; k < real.length; k++) {
        u[real[k]] = Math.min(1, Math.max(0, v[k]));
      }
      double[] p = space.snapped(repaired(u, origin));
      double distance2 = 0;
      for (int i = 0; i < d; i++) {
        distance2 += (u[i] - p[i]) * (u[i] - p[i]);
      }
      if (!fits(p)) {
        return -1e30;
      }
      double value = f.applyAsDouble(p);
      if (value > best[0].value()) {
        best[0] = new Scored(p, value);
      }
      return value - PENALTY * distance2;
    };
    double[] v0 = Arrays.stream(real).mapToDouble(i -> origin[i]).toArray();
    try {
      if (real.length == 1) {
        new BrentOptimizer(1e-6, 1e-9).optimize(new MaxEval(LOCAL_EVALUATIONS),
            new UnivariateObjectiveFunction(t -> objective.applyAsDouble(new double[] {t})), GoalType.MAXIMIZE,
            new SearchInterval(0, 1, v0[0]));
      } else if (real.length >= 2) {
        double[] lower = new double[real.length];
        double[] upper = new double[real.length];
        Arrays.fill(upper, 1);
        new BOBYQAOptimizer(2 * real.length + 1, 0.05, 1e-6).optimize(new MaxEval(LOCAL_EVALUATIONS),
            new ObjectiveFunction(objective::applyAsDouble), GoalType.MAXIMIZE, new InitialGuess(v0),
            new SimpleBounds(lower, upper));
      }
    } catch (RuntimeException e) {
      // Out of evaluations, or a degenerate model of the function: the best point seen stands.
    }
    return levels(f, best[0]);
  }

  /** Each integer and choice tried at every level (an integer of many levels: its neighbours), twice round. */
  private Scored levels(ToDoubleFunction<double[]> f, Scored start) {
    Scored best = start;
    for (int round = 0; round < 2; round++) {
      boolean moved = false;
      for (int i = 0; i < d; i++) {
        int levels = space.levels(i);
        if (levels == 0) {
          continue;
        }
        int at = Math.min(levels - 1, (int) Math.floor(best.point()[i] * levels));
        int from = levels <= 16 ? 0 : Math.max(0, at - 2);
        int to = levels <= 16 ? levels - 1 : Math.min(levels - 1, at + 2);
        for (int level = from; level <= to; level++) {
          if (level == at) {
            continue;
          }
          double[] p = best.point().clone();
          p[i] = (level + 0.5) / levels;
          if (fits(p)) {
            double value = f.applyAsDouble(p);
            if (value > best.value()) {
              best = new Scored(p, value);
              moved = true;
            }
          }
        }
      }
      if (!moved) {
        break;
      }
    }
    return best;
  }
}
