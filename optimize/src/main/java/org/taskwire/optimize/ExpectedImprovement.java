package org.taskwire.optimize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * The next point to evaluate for a minimised model of observations on the unit cube: a
 * {@link GaussianProcess} is fitted to them, and the point maximises the logarithm of expected
 * improvement. Where every observation is exact and no trial is running, the improvement is over
 * the best observation (Optuna's LogEI); where observations are noisy or trials are running, it is
 * integrated over what the observed and running points may really give ({@link NoisyImprovement},
 * BoTorch's qLogNEI), so that neither a lucky observation nor a guess at a running trial's value
 * is taken at its word. Failed trials are believed to give the mean of the observations, which
 * keeps the optimiser from coming straight back to them. The maximum is sought by
 * {@link FeasibleSearch}, inside the constraints and away from every point tried. Shared by the
 * single-objective GP optimiser and ParEGO.
 */
final class ExpectedImprovement {
  private static final int SEEDS = 5;

  private ExpectedImprovement() {}

  /**
   * The point of highest log EI.
   *
   * @param x observed points, at least two
   * @param y their values, lower is better
   * @param sem their standard errors, NaN where unknown
   * @param pending points of running and failed trials
   * @param tried the parameters of every trial, not to be proposed again
   */
  static double[] next(SearchSpace space, List<double[]> x, double[] y, double[] sem, Pending pending,
      Set<Map<String, Object>> tried, SplittableRandom random) {
    boolean[] all = new boolean[x.size()];
    Arrays.fill(all, true);
    return next(space, x, y, sem, pending, tried, random, null, all);
  }

  /**
   * The point of highest log EI weighed by the probability of keeping the outcome constraints:
   * improvement over the best point that keeps them, or, while none does, the probability alone.
   *
   * @param feasibility the constrained metrics' models, or null for none
   * @param kept for each observed point, whether it kept every outcome constraint
   */
  static double[] next(SearchSpace space, List<double[]> x, double[] y, double[] sem, Pending pending,
      Set<Map<String, Object>> tried, SplittableRandom random, Feasibility feasibility, boolean[] kept) {
    GaussianProcess model = pending.withFailures(GaussianProcess.fit(x, y, sem, categorical(space)), y);
    double[] means = x.stream().mapToDouble(p -> model.predict(p)[0]).toArray();
    List<double[]> seeds = IntStream.range(0, x.size()).boxed()
        .sorted(Comparator.comparingDouble(i -> means[i])).limit(SEEDS).map(x::get).toList();
    List<double[]> anchors = new ArrayList<>(x);
    anchors.addAll(pending.all());
    ToDoubleFunction<double[]> improvement;
    if (Arrays.stream(sem).anyMatch(v -> v > 0) || !pending.running().isEmpty()) {
      List<double[]> baseline = NoisyImprovement.baseline(model, x, means, kept, random);
      improvement = baseline.isEmpty() ? null
          : NoisyImprovement.logAcquisition(model, baseline, pending.running(), feasibility == null, random);
    } else {
      double incumbent = IntStream.range(0, x.size()).filter(i -> kept[i]).mapToDouble(i -> y[i]).min()
          .orElse(Double.NaN);
      improvement = Double.isNaN(incumbent) ? null : p -> logExpectedImprovement(model.predict(p), incumbent);
    }
    ToDoubleFunction<double[]> acquisition = feasibility == null ? improvement
        : improvement == null ? feasibility::logProbability
        : p -> improvement.applyAsDouble(p) + feasibility.logProbability(p);
    return new FeasibleSearch(space, tried, anchors, random).maximise(acquisition, seeds);
  }

  /**
   * The points of the trials running and of those that failed. Running ones are integrated over
   * (see {@link NoisyImprovement}); failed ones are believed to give the mean of the observations
   * (the constant liar of Ginsbourger, Le Riche and Carraro, "Kriging is well-suited to
   * parallelize optimization", 2010), which keeps proposals away from a failure without forbidding
   * its neighbourhood.
   *
   * <p>Measured against the plug-in rules this replaced (running trials believed at the model's
   * mean, or at the observations' mean when asked in the same batch), over ten seeds with four
   * asked at a time: Hartmann-6's gap after 60 trials 0.043 against 0.20, Branin's 0.037 against
   * 0.058, BraninCurrin's hypervolume 57.75 against 55.55, DTLZ2's 0.376 against 0.328.
   */
  record Pending(List<double[]> running, List<double[]> failed) {
    /** The points of running and failed trials: where no proposal should land again. */
    List<double[]> all() {
      List<double[]> all = new ArrayList<>(running);
      all.addAll(failed);
      return all;
    }

    /** The model, conditioned besides on each failed point giving the mean of the observations {@code y}. */
    GaussianProcess withFailures(GaussianProcess model, double[] y) {
      double mean = Arrays.stream(y).average().orElseThrow();
      double[] values = new double[failed.size()];
      Arrays.fill(values, mean);
      return model.believing(failed, values);
    }

    /** The running and failed trials of a history: completed and abandoned ones are not pending. */
    static Pending of(TrialBook book, List<TrialRecord> history) {
      List<double[]> running = new ArrayList<>();
      List<double[]> failed = new ArrayList<>();
      for (TrialRecord r : history) {
        if (r.status() == TrialStatus.RUNNING) {
          running.add(book.space().unit(r.trial().parameters()));
        } else if (r.status() == TrialStatus.FAILED) {
          failed.add(book.space().unit(r.trial().parameters()));
        }
      }
      return new Pending(running, failed);
    }
  }

  /** For each coordinate of the space, whether it is a choice's. */
  static boolean[] categorical(SearchSpace space) {
    boolean[] c = new boolean[space.dimensions()];
    for (int i = 0; i < c.length; i++) {
      c[i] = space.categorical(i);
    }
    return c;
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
      return Math.log(z * StandardNormal.cdf(z) + StandardNormal.density(z));
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
