package org.taskwire.optimize;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * Expected improvement where observations are noisy, integrated rather than plugged in (Letham et
 * al., "Constrained Bayesian optimization with noisy experiments", Bayesian Analysis 2019;
 * BoTorch's {@code qLogNoisyExpectedImprovement}, Ax's default): the values of the observed points
 * that may be the best, and of the running trials, are drawn jointly from the model's posterior
 * {@value #DRAWS} times; in each draw the improvement is over the best value drawn, with the
 * function at the candidate conditioned on the draw; and the acquisition is the logarithm of the
 * mean. Neither a lucky observation nor a guess at what a running trial gives is taken at its word.
 */
final class NoisyImprovement {
  /** Joint draws of the baseline and running points, as BoTorch's default sample count. */
  static final int DRAWS = 128;
  /** Observed points the baseline is chosen from, lowest posterior mean first. */
  private static final int BASELINE_CANDIDATES = 200;

  private NoisyImprovement() {}

  /**
   * The observed points (among those kept) that are the best in at least one joint draw from the
   * posterior: the others cannot be the incumbent, and leaving them out keeps the draws small
   * (BoTorch's {@code prune_baseline}).
   *
   * @param means the model's posterior mean at each observed point
   */
  static List<double[]> baseline(GaussianProcess model, List<double[]> x, double[] means, boolean[] kept,
      SplittableRandom random) {
    List<double[]> candidates = IntStream.range(0, x.size()).filter(i -> kept[i]).boxed()
        .sorted((a, b) -> Double.compare(means[a], means[b])).limit(BASELINE_CANDIDATES).map(x::get).toList();
    if (candidates.size() <= 1) {
      return candidates;
    }
    GaussianProcess.Fantasies draws = model.fantasies(candidates, DRAWS, random);
    Set<Integer> best = new LinkedHashSet<>();
    for (int s = 0; s < draws.draws(); s++) {
      double[] v = draws.values(s);
      int argmin = 0;
      for (int a = 1; a < v.length; a++) {
        if (v[a] < v[argmin]) {
          argmin = a;
        }
      }
      best.add(argmin);
    }
    return best.stream().sorted().map(candidates::get).toList();
  }

  /**
   * log noisy EI at a point, for minimisation.
   *
   * @param baseline observed points that may be the best (see {@link #baseline})
   * @param pending running trials' points: drawn with the baseline, so that the candidate is judged
   *     given what they may give
   * @param pendingCompete whether a running trial's drawn value may be the one to beat (it should,
   *     unless it may turn out to break an outcome constraint)
   */
  static ToDoubleFunction<double[]> logAcquisition(GaussianProcess model, List<double[]> baseline,
      List<double[]> pending, boolean pendingCompete, SplittableRandom random) {
    List<double[]> points = new ArrayList<>(baseline);
    points.addAll(pending);
    GaussianProcess.Fantasies draws = model.fantasies(points, DRAWS, random);
    int counted = pendingCompete ? points.size() : baseline.size();
    double[] best = new double[draws.draws()];
    for (int s = 0; s < best.length; s++) {
      double[] v = draws.values(s);
      best[s] = Double.POSITIVE_INFINITY;
      for (int a = 0; a < counted; a++) {
        best[s] = Math.min(best[s], v[a]);
      }
    }
    return p -> {
      GaussianProcess.Conditional c = draws.at(p);
      double[] logs = new double[best.length];
      double max = Double.NEGATIVE_INFINITY;
      for (int s = 0; s < logs.length; s++) {
        logs[s] = ExpectedImprovement.logExpectedImprovement(new double[] {c.means()[s], c.deviation()}, best[s]);
        max = Math.max(max, logs[s]);
      }
      double sum = 0;
      for (double l : logs) {
        sum += Math.exp(l - max);
      }
      return max + Math.log(sum / logs.length);
    };
  }
}
