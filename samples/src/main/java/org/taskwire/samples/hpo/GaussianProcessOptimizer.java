package org.taskwire.samples.hpo;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;

/**
 * Bayesian optimisation on the unit square: a Gaussian process with a squared-exponential kernel
 * (length scale chosen by maximum marginal likelihood on a grid) models the objective, and batches
 * are proposed by expected improvement with the "kriging believer" heuristic: after picking a
 * point, pretend its value is the model's mean and pick the next. No Java library we trust offers
 * GP-based BO, so this is a small, plain implementation; linear algebra comes from Commons Math.
 */
public final class GaussianProcessOptimizer {
  private static final double[] LENGTH_SCALES = {0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.2};
  private static final double NOISE = 1e-6;
  private static final int CANDIDATES = 2000;
  private static final NormalDistribution NORMAL = new NormalDistribution(0, 1);

  private final Random random;
  private final List<double[]> xs = new ArrayList<>();
  private final List<Double> ys = new ArrayList<>();

  /** An optimiser of the unit square whose random choices come from {@code random}. */
  public GaussianProcessOptimizer(Random random) {
    this.random = random;
  }

  /** Adds one evaluated point. */
  public void observe(double[] x, double y) {
    xs.add(x.clone());
    ys.add(y);
  }

  /** The next batch: random points until there are a few observations, then by expected improvement. */
  public List<double[]> propose(int count) {
    List<double[]> batch = new ArrayList<>();
    if (xs.size() < 3) {
      for (int i = 0; i < count; i++) {
        batch.add(new double[] {random.nextDouble(), random.nextDouble()});
      }
      return batch;
    }
    List<double[]> fx = new ArrayList<>(xs);
    List<Double> fy = new ArrayList<>(ys);
    for (int i = 0; i < count; i++) {
      Model model = Model.fit(fx, fy);
      double best = fy.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
      double[] pick = null;
      double pickEi = -1;
      for (double[] c : candidates(fx, fy)) {
        double ei = model.expectedImprovement(c, best);
        if (ei > pickEi && !contains(batch, c)) {
          pickEi = ei;
          pick = c;
        }
      }
      batch.add(pick);
      fx.add(pick);
      fy.add(model.mean(pick));
    }
    return batch;
  }

  private List<double[]> candidates(List<double[]> fx, List<Double> fy) {
    List<double[]> c = new ArrayList<>(CANDIDATES);
    int bestIndex = 0;
    for (int i = 1; i < fy.size(); i++) {
      if (fy.get(i) < fy.get(bestIndex)) bestIndex = i;
    }
    double[] best = fx.get(bestIndex);
    for (int i = 0; i < CANDIDATES; i++) {
      if (i % 2 == 0) {
        c.add(new double[] {random.nextDouble(), random.nextDouble()});
      } else {
        double scale = 0.1 * Math.pow(0.5, i % 7);
        c.add(new double[] {clamp(best[0] + scale * random.nextGaussian()), clamp(best[1] + scale * random.nextGaussian())});
      }
    }
    return c;
  }

  private static boolean contains(List<double[]> batch, double[] p) {
    return batch.stream().anyMatch(b -> b[0] == p[0] && b[1] == p[1]);
  }

  private static double clamp(double v) {
    return Math.min(1, Math.max(0, v));
  }

  /** A fitted GP on normalised outputs. */
  private static final class Model {
    final List<double[]> xs;
    final double lengthScale;
    final double mean;
    final double scale;
    final DecompositionSolver solver;
    final RealVector alpha;

    private Model(List<double[]> xs, double lengthScale, double mean, double scale, DecompositionSolver solver, RealVector alpha) {
      this.xs = xs;
      this.lengthScale = lengthScale;
      this.mean = mean;
      this.scale = scale;
      this.solver = solver;
      this.alpha = alpha;
    }

    static Model fit(List<double[]> xs, List<Double> ys) {
      double mean = ys.stream().mapToDouble(Double::doubleValue).average().orElse(0);
      double var = ys.stream().mapToDouble(y -> (y - mean) * (y - mean)).average().orElse(1);
      double scale = var > 0 ? Math.sqrt(var) : 1;
      RealVector y = new ArrayRealVector(ys.stream().mapToDouble(v -> (v - mean) / scale).toArray());
      Model best = null;
      double bestLikelihood = Double.NEGATIVE_INFINITY;
      for (double l : LENGTH_SCALES) {
        RealMatrix k = new Array2DRowRealMatrix(xs.size(), xs.size());
        for (int i = 0; i < xs.size(); i++) {
          for (int j = 0; j < xs.size(); j++) {
            k.setEntry(i, j, kernel(xs.get(i), xs.get(j), l) + (i == j ? NOISE : 0));
          }
        }
        CholeskyDecomposition cholesky;
        try {
          cholesky = new CholeskyDecomposition(k, 1e-10, 1e-12);
        } catch (RuntimeException e) {
          continue; // not positive definite at this length scale
        }
        DecompositionSolver solver = cholesky.getSolver();
        RealVector alpha = solver.solve(y);
        double logLikelihood = -0.5 * y.dotProduct(alpha) - 0.5 * Math.log(cholesky.getDeterminant());
        if (logLikelihood > bestLikelihood) {
          bestLikelihood = logLikelihood;
          best = new Model(List.copyOf(xs), l, mean, scale, solver, alpha);
        }
      }
      if (best == null) {
        throw new IllegalStateException("the Gaussian process could not be fitted");
      }
      return best;
    }

    private RealVector kStar(double[] x) {
      double[] k = new double[xs.size()];
      for (int i = 0; i < k.length; i++) {
        k[i] = kernel(x, xs.get(i), lengthScale);
      }
      return new ArrayRealVector(k, false);
    }

    double mean(double[] x) {
      return mean + scale * kStar(x).dotProduct(alpha);
    }

    double expectedImprovement(double[] x, double best) {
      RealVector k = kStar(x);
      double mu = mean + scale * k.dotProduct(alpha);
      double variance = Math.max(1 + NOISE - k.dotProduct(solver.solve(k)), 1e-12);
      double sigma = scale * Math.sqrt(variance);
      double improvement = best - mu;
      double z = improvement / sigma;
      return improvement * NORMAL.cumulativeProbability(z) + sigma * NORMAL.density(z);
    }

    private static double kernel(double[] a, double[] b, double l) {
      double dx = a[0] - b[0];
      double dy = a[1] - b[1];
      return Math.exp(-(dx * dx + dy * dy) / (2 * l * l));
    }
  }
}
