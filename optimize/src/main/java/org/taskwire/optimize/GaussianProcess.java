package org.taskwire.optimize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.decomposition.TriangularSolver_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;

/**
 * A Gaussian process on the unit cube: constant mean, a Matérn-5/2 kernel with one length scale
 * per dimension (a choice's coordinate counts as the same or different, not as a distance), a
 * signal variance and a noise variance. Observations are standardised; a point's known standard
 * error adds to the fitted noise there.
 *
 * <p>The hyper-parameters are the most probable ones (MAP) under BoTorch's priors, not the bare
 * maximum of the likelihood, which overfits a few dozen points: length scales log-normal with a
 * median growing as the square root of the dimension (Hvarfner et al., "Vanilla Bayesian
 * optimization performs great in high dimensions", ICML 2024; BoTorch's default since 0.12), the
 * signal variance Gamma(2, 1), and the noise variance Gamma(1.1, 30) with a floor of 1e-6, as
 * Optuna's (BoTorch's log-normal noise prior keeps the noise above 1e-3, which smooths a
 * deterministic objective's optimum away). They are found by
 * L-BFGS on the analytic gradient, on at most {@value #FIT_POINTS} observations (the best half and
 * an even spread of the rest), so that a fit costs the same at 500 observations as at 128; the
 * process is then conditioned on all of them.
 */
final class GaussianProcess {
  /** Observations the hyper-parameters are fitted on, at most. */
  static final int FIT_POINTS = 128;
  private static final double SQRT5 = Math.sqrt(5);
  private static final double SQRT3 = Math.sqrt(3);
  private static final double JITTER = 1e-8;
  /** Box of the log hyper-parameters, far outside what the priors allow, for numerical safety. */
  private static final double LOG_LENGTH_MIN = Math.log(1e-3);
  private static final double LOG_LENGTH_MAX = Math.log(1e3);
  private static final double LOG_SIGNAL_MIN = Math.log(1e-3);
  private static final double LOG_SIGNAL_MAX = Math.log(1e3);
  private static final double LOG_NOISE_MIN = Math.log(1e-6);
  private static final double LOG_NOISE_MAX = Math.log(2);
  private static final double NOISE_PRIOR_SHAPE = 1.1;
  private static final double NOISE_PRIOR_RATE = 30;

  private final double[][] x;
  private final boolean[] categorical;
  private final double mean;
  private final double scale;
  private final double[] lengths;
  private final double signal;
  private final double fittedNoise;
  /** The lower Cholesky factor of the covariance, row-major. */
  private final double[] lower;
  private final double[] alpha;
  /** The observations, standardised, and their known standard errors in those units (0 where unknown). */
  private final double[] z;
  private final double[] zsem;

  private GaussianProcess(double[][] x, double[] z, double[] zsem, boolean[] categorical, double[] h,
      Standardisation standard) {
    int d = categorical.length;
    this.x = x;
    this.categorical = categorical;
    this.mean = standard.mean();
    this.scale = standard.scale();
    this.lengths = new double[d];
    for (int k = 0; k < d; k++) {
      lengths[k] = Math.exp(h[k]);
    }
    this.signal = Math.exp(h[d]);
    this.fittedNoise = Math.exp(h[d + 1]);
    Factor f = factor(x, zsem, categorical, h);
    if (f == null) {
      throw new IllegalStateException("the Gaussian process's covariance is not positive definite at " + x.length
          + " points; two observations of one point with no noise?");
    }
    this.lower = f.lower();
    this.alpha = solve(lower, z);
    this.z = z;
    this.zsem = zsem;
  }

  /** Observations shifted and scaled to mean 0 and standard deviation 1 (1 where they do not vary). */
  record Standardisation(double mean, double scale) {
    static Standardisation of(double[] y) {
      double m = Arrays.stream(y).average().orElse(0);
      double s = 0;
      for (double v : y) {
        s += (v - m) * (v - m);
      }
      s = y.length > 1 ? Math.sqrt(s / (y.length - 1)) : 1;
      return new Standardisation(m, s > 1e-12 ? s : 1);
    }

    double[] apply(double[] y) {
      return Arrays.stream(y).map(v -> (v - mean) / scale).toArray();
    }

    /** Standard errors in the standardised units; 0 where unknown. */
    double[] errors(double[] sem) {
      return Arrays.stream(sem).map(v -> Double.isNaN(v) ? 0 : v / scale).toArray();
    }
  }

  /**
   * The most probable process for the observations.
   *
   * @param sem each observation's standard error, NaN when unknown
   * @param categorical for each coordinate, whether it is a choice's
   */
  static GaussianProcess fit(List<double[]> points, double[] y, double[] sem, boolean[] categorical) {
    double[][] x = points.toArray(double[][]::new);
    Standardisation standard = Standardisation.of(y);
    double[] z = standard.apply(y);
    double[] zsem = standard.errors(sem);
    int[] subset = fitSubset(y);
    double[][] fx = new double[subset.length][];
    double[] fz = new double[subset.length];
    double[] fsem = new double[subset.length];
    for (int i = 0; i < subset.length; i++) {
      fx[i] = x[subset[i]];
      fz[i] = z[subset[i]];
      fsem[i] = zsem[subset[i]];
    }
    double[] h = hyperParameters(fx, fz, fsem, categorical);
    return new GaussianProcess(x, z, zsem, categorical, h, standard);
  }

  /** This process's hyper-parameters and units, conditioned besides on points believed to give the given values. */
  GaussianProcess believing(List<double[]> points, double[] values) {
    if (points.isEmpty()) {
      return this;
    }
    int n = x.length;
    double[][] bx = Arrays.copyOf(x, n + points.size());
    double[] h = hyper();
    Standardisation standard = new Standardisation(mean, scale);
    double[] bz = new double[bx.length];
    double[] bsem = new double[bx.length];
    System.arraycopy(z, 0, bz, 0, n);
    System.arraycopy(zsem, 0, bsem, 0, n);
    for (int i = 0; i < points.size(); i++) {
      bx[n + i] = points.get(i);
      bz[n + i] = (values[i] - mean) / scale;
    }
    return new GaussianProcess(bx, bz, bsem, categorical, h, standard);
  }

  /** The posterior mean and standard deviation of the (noise-free) function at {@code p}, in the observations' units. */
  double[] predict(double[] p) {
    double[] k = new double[x.length];
    double mu = whitened(p, k);
    double var = signal - Lbfgs.dot(k, k);
    return new double[] {mean + scale * mu, scale * Math.sqrt(Math.max(1e-12 * signal, var))};
  }

  /**
   * Joint draws of the noise-free function at {@code points} from this process's posterior (common
   * random numbers: the same draws serve every point asked about afterwards), and the function at
   * any other point given each draw. This is how noisy expected improvement integrates over what
   * the observed and running points really give (Letham et al., "Constrained Bayesian optimization
   * with noisy experiments", Bayesian Analysis 2019; BoTorch's {@code qLogNoisyExpectedImprovement}).
   */
  Fantasies fantasies(List<double[]> points, int draws, SplittableRandom random) {
    return new Fantasies(points.toArray(double[][]::new), draws, random);
  }

  /** The posterior of the function at a point given each draw: a mean per draw and one deviation, in the observations' units. */
  record Conditional(double[] means, double deviation) {}

  /** Draws of the function at a few points; see {@link #fantasies}. */
  final class Fantasies {
    private final double[][] points;
    /** L⁻¹ k(X, s) for each of the points s, L the observations' Cholesky factor. */
    private final double[][] reach;
    /** The lower Cholesky factor of the points' joint posterior covariance, row-major, standardised units. */
    private final double[] jointLower;
    /** Standard normal draws, one row per draw: the points' values are mean + jointLower · row. */
    private final double[][] normal;
    /** The points' values in each draw, in the observations' units. */
    private final double[][] values;

    private Fantasies(double[][] points, int draws, SplittableRandom random) {
      int m = points.length;
      int n = x.length;
      this.points = points;
      this.reach = new double[m][];
      double[] mu = new double[m];
      for (int a = 0; a < m; a++) {
        reach[a] = new double[n];
        mu[a] = whitened(points[a], reach[a]);
      }
      DMatrixRMaj covariance = new DMatrixRMaj(m, m);
      for (int a = 0; a < m; a++) {
        for (int b = 0; b <= a; b++) {
          double c = signal * matern(distance2(points[a], points[b])) - Lbfgs.dot(reach[a], reach[b]);
          covariance.data[a * m + b] = c;
          covariance.data[b * m + a] = c;
        }
      }
      this.jointLower = choleskyWithJitter(covariance, m);
      this.normal = new double[draws][m];
      this.values = new double[draws][m];
      for (int s = 0; s < draws; s++) {
        for (int a = 0; a < m; a++) {
          normal[s][a] = StandardNormal.draw(random);
        }
        for (int a = 0; a < m; a++) {
          double v = mu[a];
          for (int b = 0; b <= a; b++) {
            v += jointLower[a * m + b] * normal[s][b];
          }
          values[s][a] = mean + scale * v;
        }
      }
    }

    int draws() {
      return values.length;
    }

    /** The points' values in draw {@code s}, in the observations' units. */
    double[] values(int s) {
      return values[s];
    }

    /** The function at {@code p} given each draw of the points. */
    Conditional at(double[] p) {
      int m = points.length;
      double[] k = new double[x.length];
      double mu = whitened(p, k);
      double var = signal - Lbfgs.dot(k, k);
      double[] u = new double[m];
      for (int a = 0; a < m; a++) {
        u[a] = signal * matern(distance2(p, points[a])) - Lbfgs.dot(reach[a], k);
      }
      TriangularSolver_DDRM.solveL(jointLower, u, m);
      var -= Lbfgs.dot(u, u);
      double[] means = new double[normal.length];
      for (int s = 0; s < means.length; s++) {
        means[s] = mean + scale * (mu + Lbfgs.dot(u, normal[s]));
      }
      return new Conditional(means, scale * Math.sqrt(Math.max(1e-12 * signal, var)));
    }
  }

  /**
   * Fills {@code k} with L⁻¹ k(X, p), the covariance of p with the observations whitened by their
   * Cholesky factor, and returns the standardised posterior mean at p.
   */
  private double whitened(double[] p, double[] k) {
    int n = x.length;
    double mu = 0;
    for (int i = 0; i < n; i++) {
      k[i] = signal * matern(distance2(p, x[i]));
      mu += k[i] * alpha[i];
    }
    TriangularSolver_DDRM.solveL(lower, k, n);
    return mu;
  }

  /** The lower Cholesky factor of a posterior covariance, with as little jitter as makes it positive definite. */
  private double[] choleskyWithJitter(DMatrixRMaj covariance, int m) {
    for (double jitter = 1e-8; ; jitter *= 10) {
      DMatrixRMaj k = covariance.copy();
      for (int a = 0; a < m; a++) {
        k.data[a * m + a] += jitter * signal;
      }
      CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(m, true);
      if (chol.decompose(k)) {
        return chol.getT(null).data;
      }
      if (jitter > 1e-2) {
        throw new IllegalStateException("the joint posterior of " + m + " points is not positive definite");
      }
    }
  }


  /**
   * For each observation, the mean and standard deviation predicted for it by the process
   * conditioned on all the others, with the same hyper-parameters: {@code z_i − α_i / [K⁻¹]_ii}
   * and {@code 1 / [K⁻¹]_ii}, in the observations' units.
   */
  double[][] leaveOneOut() {
    int n = x.length;
    double[] inverse = lower.clone();
    TriangularSolver_DDRM.invertLower(inverse, n);
    double[][] out = new double[n][];
    for (int i = 0; i < n; i++) {
      // [K⁻¹]_ii = Σ_k (L⁻¹)_ki², over the rows k ≥ i of column i.
      double diagonal = 0;
      for (int k = i; k < n; k++) {
        diagonal += inverse[k * n + i] * inverse[k * n + i];
      }
      out[i] = new double[] {mean + scale * (z[i] - alpha[i] / diagonal), scale * Math.sqrt(1 / diagonal)};
    }
    return out;
  }

  /** The fitted length scales, one per dimension (for tests and reports). */
  double[] lengthScales() {
    return lengths.clone();
  }

  private double[] hyper() {
    int d = lengths.length;
    double[] h = new double[d + 2];
    for (int k = 0; k < d; k++) {
      h[k] = Math.log(lengths[k]);
    }
    h[d] = Math.log(signal);
    h[d + 1] = Math.log(fittedNoise);
    return h;
  }

  private double distance2(double[] a, double[] b) {
    double r2 = 0;
    for (int k = 0; k < a.length; k++) {
      double t = categorical[k] ? (sameLevel(a[k], b[k]) ? 0 : 1) / lengths[k] : (a[k] - b[k]) / lengths[k];
      r2 += t * t;
    }
    return r2;
  }

  /** Whether two coordinates of a choice name the same value: snapped coordinates are equal, or nearly. */
  private static boolean sameLevel(double a, double b) {
    return Math.abs(a - b) < 1e-9;
  }

  /** Matérn-5/2 of a squared scaled distance, with unit variance. */
  private static double matern(double r2) {
    double r = Math.sqrt(r2);
    return (1 + SQRT5 * r + 5 * r2 / 3) * Math.exp(-SQRT5 * r);
  }

  /**
   * Which observations the hyper-parameters are fitted on: all, up to {@value #FIT_POINTS};
   * beyond, the best half of them (where the optimum is sought, the fit matters most) and an
   * even spread of the rest, in the order they came.
   */
  private static int[] fitSubset(double[] y) {
    int n = y.length;
    if (n <= FIT_POINTS) {
      return IntStream.range(0, n).toArray();
    }
    Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> y[i]));
    int best = FIT_POINTS / 2;
    List<Integer> chosen = new ArrayList<>(Arrays.asList(order).subList(0, best));
    int[] rest = Arrays.stream(order, best, n).mapToInt(Integer::intValue).sorted().toArray();
    int spread = FIT_POINTS - best;
    for (int i = 0; i < spread; i++) {
      chosen.add(rest[(int) ((long) i * rest.length / spread)]);
    }
    return chosen.stream().mapToInt(Integer::intValue).sorted().toArray();
  }

  /** The log hyper-parameters of highest posterior probability: L-BFGS from the priors' modes (and a second start on few points). */
  private static double[] hyperParameters(double[][] x, double[] z, double[] zsem, boolean[] categorical) {
    int d = categorical.length;
    double[] start = new double[d + 2];
    Arrays.fill(start, 0, d, lengthPriorLoc(d) - 3);
    start[d] = 0;
    start[d + 1] = Math.log((NOISE_PRIOR_SHAPE - 1) / NOISE_PRIOR_RATE);
    List<double[]> starts = new ArrayList<>(List.of(start));
    if (x.length <= 64) {
      double[] rough = start.clone();
      Arrays.fill(rough, 0, d, Math.log(0.1));
      starts.add(rough);
    }
    double[] lower = new double[d + 2];
    double[] upper = new double[d + 2];
    Arrays.fill(lower, 0, d, LOG_LENGTH_MIN);
    Arrays.fill(upper, 0, d, LOG_LENGTH_MAX);
    lower[d] = LOG_SIGNAL_MIN;
    upper[d] = LOG_SIGNAL_MAX;
    lower[d + 1] = LOG_NOISE_MIN;
    upper[d + 1] = LOG_NOISE_MAX;
    double[] best = start;
    double bestValue = Double.POSITIVE_INFINITY;
    for (double[] s : starts) {
      Lbfgs.Result r = Lbfgs.minimise((h, g) -> {
        double v = logPosterior(x, z, zsem, categorical, h, g);
        for (int i = 0; i < g.length; i++) {
          g[i] = -g[i];
        }
        return -v;
      }, s, lower, upper);
      if (r.value() < bestValue) {
        best = r.point();
        bestValue = r.value();
      }
    }
    return best;
  }

  /** The log-normal length-scale prior's location: √2 + log(d) / 2 (scale √3). */
  private static double lengthPriorLoc(int d) {
    return Math.sqrt(2) + 0.5 * Math.log(d);
  }

  /** The lower Cholesky factor of a covariance, row-major, and the log of its determinant. */
  private record Factor(double[] lower, double logDet) {}

  private static Factor factor(double[][] x, double[] zsem, boolean[] categorical, double[] h) {
    int n = x.length;
    int d = categorical.length;
    double signal = Math.exp(h[d]);
    double noise = Math.exp(h[d + 1]);
    DMatrixRMaj k = new DMatrixRMaj(n, n);
    double[] inverseLengths = new double[d];
    for (int c = 0; c < d; c++) {
      inverseLengths[c] = Math.exp(-h[c]);
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        double v = signal * matern(scaledDistance2(x[i], x[j], categorical, inverseLengths));
        k.data[i * n + j] = v;
        k.data[j * n + i] = v;
      }
      k.data[i * n + i] = signal + noise + zsem[i] * zsem[i] + JITTER;
    }
    CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(n, true);
    if (!chol.decompose(k)) {
      return null;
    }
    double[] l = chol.getT(null).data;
    double logDet = 0;
    for (int i = 0; i < n; i++) {
      if (!(l[i * n + i] > 0)) {
        return null;
      }
      logDet += 2 * Math.log(l[i * n + i]);
    }
    return new Factor(l, logDet);
  }

  private static double scaledDistance2(double[] a, double[] b, boolean[] categorical, double[] inverseLengths) {
    double r2 = 0;
    for (int c = 0; c < a.length; c++) {
      double t = (categorical[c] ? (sameLevel(a[c], b[c]) ? 0 : 1) : a[c] - b[c]) * inverseLengths[c];
      r2 += t * t;
    }
    return r2;
  }

  /** K⁻¹ b from K's lower Cholesky factor. */
  private static double[] solve(double[] lower, double[] b) {
    int n = b.length;
    double[] v = b.clone();
    TriangularSolver_DDRM.solveL(lower, v, n);
    TriangularSolver_DDRM.solveTranL(lower, v, n);
    return v;
  }

  /**
   * The log posterior density of log hyper-parameters {@code h} (up to a constant), and its
   * gradient into {@code gradient}: the log marginal likelihood plus the log priors.
   */
  static double logPosterior(double[][] x, double[] z, double[] zsem, boolean[] categorical, double[] h,
      double[] gradient) {
    int n = x.length;
    int d = categorical.length;
    Factor f = factor(x, zsem, categorical, h);
    if (f == null) {
      Arrays.fill(gradient, 0);
      return Double.NEGATIVE_INFINITY;
    }
    double[] alpha = solve(f.lower(), z);
    double fit = 0;
    for (int i = 0; i < n; i++) {
      fit += z[i] * alpha[i];
    }
    double value = -0.5 * fit - 0.5 * f.logDet() - 0.5 * n * Math.log(2 * Math.PI);
    // W = alpha alphaᵀ − K⁻¹; d(log marginal likelihood)/dθ = ½ tr(W dK/dθ).
    // K⁻¹ = L⁻ᵀ L⁻¹.
    DMatrixRMaj lowerInverse = DMatrixRMaj.wrap(n, n, f.lower().clone());
    TriangularSolver_DDRM.invertLower(lowerInverse.data, n);
    DMatrixRMaj inverse = new DMatrixRMaj(n, n);
    CommonOps_DDRM.multTransA(lowerInverse, lowerInverse, inverse);
    Arrays.fill(gradient, 0);
    double signal = Math.exp(h[d]);
    double noise = Math.exp(h[d + 1]);
    double[] inverseLengths = new double[d];
    for (int c = 0; c < d; c++) {
      inverseLengths[c] = Math.exp(-h[c]);
    }
    double[] t2 = new double[d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        double w = alpha[i] * alpha[j] - inverse.data[i * n + j];
        double r2 = 0;
        for (int c = 0; c < d; c++) {
          double t = (categorical[c] ? (sameLevel(x[i][c], x[j][c]) ? 0 : 1) : x[i][c] - x[j][c]) * inverseLengths[c];
          t2[c] = t * t;
          r2 += t2[c];
        }
        double r = Math.sqrt(r2);
        double e = Math.exp(-SQRT5 * r);
        // Both triangles count: ½ · 2 · w · dK_ij.
        double base = w * signal * 5.0 / 3 * (1 + SQRT5 * r) * e;
        for (int c = 0; c < d; c++) {
          gradient[c] += base * t2[c];
        }
        gradient[d] += w * signal * (1 + SQRT5 * r + 5 * r2 / 3) * e;
      }
      double wii = alpha[i] * alpha[i] - inverse.data[i * n + i];
      gradient[d] += 0.5 * wii * signal;
      gradient[d + 1] += 0.5 * wii * noise;
    }
    // Priors, as densities over the hyper-parameters themselves (as GPyTorch evaluates them).
    double loc = lengthPriorLoc(d);
    double var = SQRT3 * SQRT3;
    for (int c = 0; c < d; c++) {
      value += -(h[c] - loc) * (h[c] - loc) / (2 * var) - h[c];
      gradient[c] += -(h[c] - loc) / var - 1;
    }
    value += h[d] - signal;
    gradient[d] += 1 - signal;
    value += (NOISE_PRIOR_SHAPE - 1) * h[d + 1] - NOISE_PRIOR_RATE * noise;
    gradient[d + 1] += (NOISE_PRIOR_SHAPE - 1) - NOISE_PRIOR_RATE * noise;
    return value;
  }
}
