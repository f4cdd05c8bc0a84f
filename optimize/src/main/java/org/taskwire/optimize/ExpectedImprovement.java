package org.taskwire.optimize;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The next point to evaluate for a minimised model of observations on the unit cube: a
 * {@link GaussianProcess} is fitted to them, running trials are added by the kriging believer
 * rule (each believed to give the model's own mean there, which shrinks the uncertainty around it
 * so that a batch spreads out), and the point maximises the logarithm of expected improvement over
 * the best posterior mean among the points observed, so that noisy observations are not taken at
 * their word. Shared by the single-objective GP optimiser and ParEGO.
 */
final class ExpectedImprovement {
  private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);
  private static final int CANDIDATES = 1500;
  private static final int LOCAL_CANDIDATES = 500;
  private static final int FIT_STARTS = 2;

  private ExpectedImprovement() {}

  /**
   * The point of highest log EI.
   *
   * @param x observed points, at least two
   * @param y their values, lower is better
   * @param sem their standard errors, NaN where unknown
   * @param pending points of running trials
   */
  static double[] next(List<double[]> x, double[] y, double[] sem, List<double[]> pending, SplittableRandom random) {
    GaussianProcess model = GaussianProcess.fit(x, y, sem, random, FIT_STARTS);
    if (!pending.isEmpty()) {
      List<double[]> bx = new ArrayList<>(x);
      double[] by = new double[x.size() + pending.size()];
      double[] bs = new double[by.length];
      System.arraycopy(y, 0, by, 0, y.length);
      System.arraycopy(sem, 0, bs, 0, sem.length);
      for (int i = 0; i < pending.size(); i++) {
        bx.add(pending.get(i));
        by[y.length + i] = model.predict(pending.get(i))[0];
        bs[y.length + i] = Double.NaN;
      }
      model = GaussianProcess.fit(bx, by, bs, random, 0);
    }
    double incumbent = Double.POSITIVE_INFINITY;
    double[] best = null;
    for (double[] p : x) {
      double mu = model.predict(p)[0];
      if (mu < incumbent) {
        incumbent = mu;
        best = p;
      }
    }
    return maximise(model, incumbent, best, random);
  }

  /** The best of random candidates and of candidates near the incumbent. */
  private static double[] maximise(GaussianProcess model, double incumbent, double[] near, SplittableRandom random) {
    int d = near.length;
    double[] pick = null;
    double pickValue = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < CANDIDATES + LOCAL_CANDIDATES; c++) {
      double[] p = new double[d];
      for (int i = 0; i < d; i++) {
        p[i] = c < CANDIDATES ? random.nextDouble()
            : Math.min(1, Math.max(0, near[i] + 0.05 * gaussian(random)));
      }
      double v = logExpectedImprovement(model.predict(p), incumbent);
      if (v > pickValue) {
        pickValue = v;
        pick = p;
      }
    }
    return pick;
  }

  private static double gaussian(SplittableRandom random) {
    // Box–Muller: one normal deviate from two uniform ones.
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  /**
   * log EI for minimisation, computed so that it stays finite and ordered far from the incumbent,
   * where EI itself underflows to zero (Ament et al., "Unexpected improvements to expected
   * improvement", 2023).
   */
  static double logExpectedImprovement(double[] prediction, double incumbent) {
    double sigma = prediction[1];
    double z = (incumbent - prediction[0]) / sigma;
    return Math.log(sigma) + logH(z);
  }

  /** log(z Φ(z) + φ(z)), with an asymptotic form for very negative z. */
  static double logH(double z) {
    if (z > -6) {
      return Math.log(z * NORMAL.cumulativeProbability(z) + NORMAL.density(z));
    }
    double z2 = z * z;
    // z Φ(z) + φ(z) ≈ φ(z) / z² (1 - 3/z² + 15/z⁴ - 105/z⁶ + 945/z⁸) as z → -∞.
    double w = 1 / z2;
    return -0.5 * z2 - 0.5 * Math.log(2 * Math.PI) - Math.log(z2)
        + Math.log1p(w * (-3 + w * (15 + w * (-105 + w * 945))));
  }

  static double[] unbox(List<Double> values) {
    double[] a = new double[values.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = values.get(i);
    }
    return a;
  }
}
