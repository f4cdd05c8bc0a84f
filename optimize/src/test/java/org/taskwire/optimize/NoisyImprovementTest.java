package org.taskwire.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The joint draws noisy expected improvement integrates over, and the baseline it keeps. */
class NoisyImprovementTest {
  private static final boolean[] CONTINUOUS = new boolean[2];

  /** A noisy quadratic bowl, minimum at (0.3, 0.7), observed on a Sobol-like spread of points. */
  private static GaussianProcess noisyBowl(List<double[]> x, double[] y) {
    SplittableRandom random = new SplittableRandom(3);
    double[] sem = new double[24];
    for (int i = 0; i < 24; i++) {
      double[] p = {random.nextDouble(), random.nextDouble()};
      x.add(p);
      y[i] = 10 * ((p[0] - 0.3) * (p[0] - 0.3) + (p[1] - 0.7) * (p[1] - 0.7)) + 0.2 * (random.nextDouble() - 0.5);
      sem[i] = 0.06;
    }
    return GaussianProcess.fit(x, y, sem, CONTINUOUS);
  }

  /**
   * Conditioning on each draw and averaging gives back the unconditional posterior: the mean of
   * the conditional means is the posterior mean, and their variance plus the conditional variance
   * is the posterior variance (the law of total variance). A wrong conditional covariance breaks
   * the second.
   */
  @Test
  void theDrawsAveragedGiveBackThePosterior() {
    List<double[]> x = new ArrayList<>();
    double[] y = new double[24];
    GaussianProcess model = noisyBowl(x, y);
    List<double[]> points = List.of(x.get(0), x.get(5), new double[] {0.31, 0.69}, new double[] {0.9, 0.1});
    GaussianProcess.Fantasies draws = model.fantasies(points, 40_000, new SplittableRandom(11));
    for (double[] p : List.of(new double[] {0.33, 0.66}, new double[] {0.5, 0.5}, new double[] {0.88, 0.12})) {
      double[] posterior = model.predict(p);
      GaussianProcess.Conditional c = draws.at(p);
      double mean = java.util.Arrays.stream(c.means()).average().orElseThrow();
      double spread = java.util.Arrays.stream(c.means()).map(v -> (v - mean) * (v - mean)).average().orElseThrow();
      assertThat(mean).as("mean of the conditional means at %s", java.util.Arrays.toString(p))
          .isCloseTo(posterior[0], within(0.02 * posterior[1] + 1e-9));
      assertThat(spread + c.deviation() * c.deviation()).as("total variance at %s", java.util.Arrays.toString(p))
          .isCloseTo(posterior[1] * posterior[1], within(0.03 * posterior[1] * posterior[1]));
      assertThat(c.deviation()).as("the draws tell something about a point near them").isLessThan(posterior[1]);
    }
  }

  /** A drawn point's own value, asked about again, is known: the conditional mean is the draw and the deviation nil. */
  @Test
  void aDrawnPointIsKnownInEachDraw() {
    List<double[]> x = new ArrayList<>();
    double[] y = new double[24];
    GaussianProcess model = noisyBowl(x, y);
    double[] running = {0.42, 0.58};
    GaussianProcess.Fantasies draws = model.fantasies(List.of(x.get(2), running), 16, new SplittableRandom(5));
    GaussianProcess.Conditional c = draws.at(running);
    assertThat(c.deviation()).as("left of the posterior deviation by the jitter alone").isLessThan(1e-2 * model.predict(running)[1]);
    for (int s = 0; s < draws.draws(); s++) {
      assertThat(c.means()[s]).isCloseTo(draws.values(s)[1], within(1e-3));
    }
  }

  /** The baseline keeps the points that may be the best and drops those far up the bowl. */
  @Test
  void theBaselineKeepsOnlyPointsThatMayBeTheBest() {
    List<double[]> x = new ArrayList<>();
    double[] y = new double[24];
    GaussianProcess model = noisyBowl(x, y);
    boolean[] kept = new boolean[24];
    java.util.Arrays.fill(kept, true);
    double[] means = x.stream().mapToDouble(p -> model.predict(p)[0]).toArray();
    List<double[]> baseline = NoisyImprovement.baseline(model, x, means, kept, new SplittableRandom(7));
    int best = 0;
    for (int i = 1; i < 24; i++) {
      best = model.predict(x.get(i))[0] < model.predict(x.get(best))[0] ? i : best;
    }
    assertThat(baseline).as("the point of lowest posterior mean").contains(x.get(best));
    assertThat(baseline.size()).isLessThan(24);
    double worstKept = baseline.stream().mapToDouble(p -> model.predict(p)[0]).max().orElseThrow();
    assertThat(worstKept).as("no point far up the bowl (values reach %s)",
        java.util.Arrays.stream(y).max().orElseThrow()).isLessThan(1.0);
  }
}
