package org.taskwire.optimize;

import java.util.List;
import org.apache.commons.math3.analysis.MultivariateFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;

/**
 * A Gaussian process on the unit cube: constant mean, a Matérn-5/2 kernel with one length scale
 * per dimension, a signal variance and a noise variance, all fitted by maximising the marginal
 * likelihood (BOBYQA from Commons Math, from several starts). Observations are standardised; a
 * point's known standard error adds to the fitted noise there.
 */
final class GaussianProcess {
  /** Bounds of the fitted hyper-parameters, as logarithms: length scales, signal and noise variance. */
  private static final double LOG_LENGTH_MIN = Math.log(0.01);
  private static final double LOG_LENGTH_MAX = Math.log(5);
  private static final double LOG_SIGNAL_MIN = Math.log(0.05);
  private static final double LOG_SIGNAL_MAX = Math.log(20);
  private static final double LOG_NOISE_MIN = Math.log(1e-6);
  private static final double LOG_NOISE_MAX = Math.log(0.5);
  private static final double SQRT5 = Math.sqrt(5);

  private final double[][] x;
  private final double[] noise;
  private final double mean;
  private final double scale;
  private final double[] lengths;
  private final double signal;
  private final double fittedNoise;
  private final CholeskyDecomposition cholesky;
  private final RealVector alpha;

  /** Observations shifted and scaled to mean 0 and standard deviation 1 (1 where they do not vary). */
  private record Standardisation(double mean, double scale) {
    static Standardisation of(double[] y) {
      double m = 0;
      for (double v : y) {
        m += v;
      }
      m /= y.length;
      double s = 0;
      for (double v : y) {
        s += (v - m) * (v - m);
      }
      s = y.length > 1 ? Math.sqrt(s / (y.length - 1)) : 1;
      return new Standardisation(m, s > 1e-12 ? s : 1);
    }

    double[] apply(double[] y) {
      double[] z = new double[y.length];
      for (int i = 0; i < y.length; i++) {
        z[i] = (y[i] - mean) / scale;
      }
      return z;
    }

    /** Standard errors in the standardised units; 0 where unknown. */
    double[] errors(double[] sem) {
      double[] z = new double[sem.length];
      for (int i = 0; i < sem.length; i++) {
        z[i] = Double.isNaN(sem[i]) ? 0 : sem[i] / scale;
      }
      return z;
    }
  }

  private GaussianProcess(double[][] x, double[] y, double[] sem, double[] hyper) {
    this.x = x;
    int d = x[0].length;
    Standardisation standard = Standardisation.of(y);
    this.mean = standard.mean();
    this.scale = standard.scale();
    this.lengths = new double[d];
    for (int i = 0; i < d; i++) {
      lengths[i] = Math.exp(hyper[i]);
    }
    this.signal = Math.exp(hyper[d]);
    this.fittedNoise = Math.exp(hyper[d + 1]);
    this.noise = new double[x.length];
    double[] known = standard.errors(sem);
    for (int i = 0; i < x.length; i++) {
      noise[i] = fittedNoise + known[i] * known[i];
    }
    this.cholesky = decompose(covariance(x, lengths, signal, noise));
    this.alpha = cholesky.getSolver().solve(new ArrayRealVector(standard.apply(y)));
  }

  /**
   * The process that best explains the observations.
   *
   * @param sem each observation's standard error, NaN when unknown
   * @param starts how many random starts the likelihood's maximisation takes, besides a default one
   */
  static GaussianProcess fit(List<double[]> points, double[] y, double[] sem, java.util.SplittableRandom random,
      int starts) {
    double[][] x = points.toArray(double[][]::new);
    int d = x[0].length;
    double[] lower = new double[d + 2];
    double[] upper = new double[d + 2];
    for (int i = 0; i < d; i++) {
      lower[i] = LOG_LENGTH_MIN;
      upper[i] = LOG_LENGTH_MAX;
    }
    lower[d] = LOG_SIGNAL_MIN;
    upper[d] = LOG_SIGNAL_MAX;
    lower[d + 1] = LOG_NOISE_MIN;
    upper[d + 1] = LOG_NOISE_MAX;
    Standardisation standard = Standardisation.of(y);
    double[] z = standard.apply(y);
    double[] zsem = standard.errors(sem);
    MultivariateFunction likelihood = h -> logLikelihood(x, z, zsem, h);
    double[] best = defaults(d);
    double bestValue = likelihood.value(best);
    for (int s = 0; s <= starts; s++) {
      double[] start = s == 0 ? defaults(d) : new double[d + 2];
      if (s > 0) {
        for (int i = 0; i < d + 2; i++) {
          start[i] = lower[i] + random.nextDouble() * (upper[i] - lower[i]);
        }
      }
      try {
        BOBYQAOptimizer optimizer = new BOBYQAOptimizer(2 * (d + 2) + 1);
        double[] found = optimizer.optimize(new MaxEval(400), new ObjectiveFunction(likelihood), GoalType.MAXIMIZE,
            new InitialGuess(start), new SimpleBounds(lower, upper)).getPoint();
        double value = likelihood.value(found);
        if (value > bestValue) {
          best = found;
          bestValue = value;
        }
      } catch (RuntimeException e) {
        // A start that leads nowhere (too many evaluations, a singular matrix): the others decide.
      }
    }
    return new GaussianProcess(x, y, sem, best);
  }

  private static double[] defaults(int d) {
    double[] h = new double[d + 2];
    java.util.Arrays.fill(h, 0, d, Math.log(0.3));
    h[d] = 0;
    h[d + 1] = Math.log(1e-3);
    return h;
  }

  /** The log marginal likelihood of standardised observations under hyper-parameters {@code h}. */
  private static double logLikelihood(double[][] x, double[] z, double[] zsem, double[] h) {
    int d = x[0].length;
    double[] lengths = new double[d];
    for (int i = 0; i < d; i++) {
      lengths[i] = Math.exp(h[i]);
    }
    double[] noise = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      noise[i] = Math.exp(h[d + 1]) + zsem[i] * zsem[i];
    }
    CholeskyDecomposition c;
    try {
      c = decompose(covariance(x, lengths, Math.exp(h[d]), noise));
    } catch (NonPositiveDefiniteMatrixException e) {
      return -1e30;
    }
    RealVector y = new ArrayRealVector(z);
    RealVector a = c.getSolver().solve(y);
    double logDet = 0;
    RealMatrix l = c.getL();
    for (int i = 0; i < x.length; i++) {
      logDet += Math.log(l.getEntry(i, i));
    }
    return -0.5 * y.dotProduct(a) - logDet - 0.5 * x.length * Math.log(2 * Math.PI);
  }

  private static CholeskyDecomposition decompose(RealMatrix k) {
    return new CholeskyDecomposition(k, 1e-12, 1e-14);
  }

  private static RealMatrix covariance(double[][] x, double[] lengths, double signal, double[] noise) {
    int n = x.length;
    double[][] k = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double v = kernel(x[i], x[j], lengths, signal);
        k[i][j] = v;
        k[j][i] = v;
      }
      k[i][i] += noise[i] + 1e-9;
    }
    return new Array2DRowRealMatrix(k, false);
  }

  private static double kernel(double[] a, double[] b, double[] lengths, double signal) {
    double r2 = 0;
    for (int i = 0; i < a.length; i++) {
      double t = (a[i] - b[i]) / lengths[i];
      r2 += t * t;
    }
    double r = Math.sqrt(r2);
    return signal * (1 + SQRT5 * r + 5 * r2 / 3) * Math.exp(-SQRT5 * r);
  }

  /** The posterior mean and standard deviation of the (noise-free) function at {@code p}, in the observations' units. */
  double[] predict(double[] p) {
    double[] k = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      k[i] = kernel(p, x[i], lengths, signal);
    }
    RealVector kv = new ArrayRealVector(k, false);
    double mu = kv.dotProduct(alpha);
    RealVector v = cholesky.getSolver().solve(kv);
    double var = Math.max(1e-12, signal - kv.dotProduct(v));
    return new double[] {mean + scale * mu, scale * Math.sqrt(var)};
  }

  /** The fitted length scales, one per dimension (for tests and reports). */
  double[] lengthScales() {
    return lengths.clone();
  }
}
