package org.taskwire.optimize;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Bayesian optimisation of one objective. The first points come from a Sobol design (as many as
 * {@link #initialPoints}); then a {@link GaussianProcess} (Matérn-5/2, one length scale per
 * parameter, hyper-parameters by marginal likelihood) models the objective and the next point
 * maximises the logarithm of expected improvement over the best posterior mean among the points
 * observed, so that noisy observations are not taken at their word.
 *
 * <p>Running trials are taken into account by the kriging believer rule: each is added to the
 * model with the model's own mean there as its value, which shrinks the uncertainty around it, so
 * that a batch spreads out instead of asking the same point q times. Failed trials are left out
 * (a point like them may come again); abandoned ones too.
 */
final class GpOptimizer extends TrialBook {
  static final String NAME = "gp-ei";
  private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);
  private static final int CANDIDATES = 1500;
  private static final int LOCAL_CANDIDATES = 500;
  private static final int FIT_STARTS = 2;

  private final SobolOptimizer design;
  private final Objective objective;

  GpOptimizer(SearchSpace space, List<Objective> objectives, long seed) {
    super(space, objectives, seed);
    if (objectives.size() != 1) {
      throw new IllegalArgumentException("the GP optimiser (gp-ei) takes one objective, got " + objectives.size()
          + "; for several, use a multi-objective optimiser");
    }
    this.objective = objectives.get(0);
    this.design = new SobolOptimizer(space, objectives, seed);
  }

  /** Points of the initial Sobol design: twice the dimension plus one, at least five. */
  int initialPoints() {
    return Math.max(5, 2 * space().dimensions() + 1);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  void restore(OptimizerState state) {
    super.restore(state);
    long fromDesign = Math.min(state.drawn(), initialPoints());
    for (long i = 0; i < fromDesign; i++) {
      design.propose(List.of());
    }
  }

  @Override
  double[] propose(List<TrialRecord> history) {
    long n = drawn();
    List<double[]> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    List<Double> sem = new ArrayList<>();
    List<double[]> pending = new ArrayList<>();
    for (TrialRecord r : history) {
      double[] u = space().unit(r.trial().parameters());
      if (r.status() == TrialStatus.COMPLETED) {
        Measurement m = r.measurements().get(objective.name());
        x.add(u);
        // The model minimises: a maximised objective is negated.
        y.add(objective.direction() == Objective.Direction.MINIMIZE ? m.mean() : -m.mean());
        sem.add(m.sem());
      } else if (r.status() == TrialStatus.RUNNING) {
        pending.add(u);
      }
    }
    if (n < initialPoints() || x.size() < 2 || space().dimensions() == 0) {
      return design.propose(history);
    }
    SplittableRandom random = new SplittableRandom(seed() * 1_000_003L + n);
    GaussianProcess model = GaussianProcess.fit(x, unbox(y), unbox(sem), random, FIT_STARTS);
    // Kriging believer: each running trial is believed to give the model's mean there.
    if (!pending.isEmpty()) {
      List<double[]> bx = new ArrayList<>(x);
      List<Double> by = new ArrayList<>(y);
      List<Double> bs = new ArrayList<>(sem);
      for (double[] p : pending) {
        bx.add(p);
        by.add(model.predict(p)[0]);
        bs.add(Double.NaN);
      }
      model = GaussianProcess.fit(bx, unbox(by), unbox(bs), random, 0);
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
    return maximiseLogEi(model, incumbent, best, random);
  }

  /** The best of random candidates and of candidates near the incumbent. */
  private double[] maximiseLogEi(GaussianProcess model, double incumbent, double[] near, SplittableRandom random) {
    int d = space().dimensions();
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

  private static double[] unbox(List<Double> values) {
    double[] a = new double[values.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = values.get(i);
    }
    return a;
  }
}
