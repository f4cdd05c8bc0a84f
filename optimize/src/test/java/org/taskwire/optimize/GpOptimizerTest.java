package org.taskwire.optimize;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The GP optimiser against Sobol on Branin, and how it treats running trials and noise. */
class GpOptimizerTest {
  private static final SearchSpace BRANIN_SPACE = SearchSpace.builder().range("x1", -5, 10).range("x2", 0, 15).build();
  private static final List<Objective> F = List.of(Objective.minimize("f"));
  /** Branin's minimum, reached at three points. */
  private static final double BRANIN_MIN = 0.397887;

  static double branin(Trial t) {
    double x1 = t.number("x1");
    double x2 = t.number("x2");
    double a = x2 - 5.1 / (4 * Math.PI * Math.PI) * x1 * x1 + 5 / Math.PI * x1 - 6;
    return a * a + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
  }

  /** Runs {@code budget} trials, {@code q} at a time, and returns the best value found. */
  static double run(Optimizer o, int budget, int q, ToDoubleFunction<Trial> f) {
    for (int done = 0; done < budget; done += q) {
      for (Trial t : o.ask(Math.min(q, budget - done))) {
        o.tell(t.id(), Map.of("f", Measurement.of(f.applyAsDouble(t))));
      }
    }
    return o.best().orElseThrow().measurements().get("f").mean();
  }

  @Test
  void onBraninTheGpGetsCloserToTheMinimumThanSobolWithTheSameBudget() {
    double gp = 0;
    double sobol = 0;
    for (long seed = 1; seed <= 3; seed++) {
      gp += run(Optimizers.gp(BRANIN_SPACE, F, seed), 25, 1, GpOptimizerTest::branin) - BRANIN_MIN;
      sobol += run(Optimizers.sobol(BRANIN_SPACE, F, seed), 25, 1, GpOptimizerTest::branin) - BRANIN_MIN;
    }
    assertThat(gp / 3).as("the GP's mean gap to the minimum after 25 trials").isLessThan(0.1);
    assertThat(gp).as("the GP's gap against Sobol's (%s)", sobol / 3).isLessThan(sobol / 3);
  }

  /** Integrated over the trials running: a batch asked while others run spreads out rather than piling onto one point. */
  @Test
  void aBatchAskedWhileTrialsRunSpreadsOut() {
    Optimizer o = Optimizers.gp(BRANIN_SPACE, F, 5);
    run(o, 10, 1, GpOptimizerTest::branin);
    List<Trial> batch = o.ask(4);
    List<double[]> points = new ArrayList<>();
    batch.forEach(t -> points.add(BRANIN_SPACE.unit(t.parameters())));
    for (int i = 0; i < points.size(); i++) {
      for (int j = 0; j < i; j++) {
        double dx = points.get(i)[0] - points.get(j)[0];
        double dy = points.get(i)[1] - points.get(j)[1];
        assertThat(Math.hypot(dx, dy)).as("trials %d and %d of the batch", i, j).isGreaterThan(1e-3);
      }
    }
  }

  /**
   * A failed point is believed like a running one: the next proposal keeps away from it, where with
   * the same trial abandoned (left out) the optimiser proposes close to it again.
   */
  @ParameterizedTest
  @ValueSource(longs = {5, 6, 7})
  void theNextProposalKeepsAwayFromAPointThatJustFailed(long seed) {
    Optimizer failing = Optimizers.gp(BRANIN_SPACE, F, seed);
    run(failing, 12, 1, GpOptimizerTest::branin);
    Optimizer abandoning = Optimizers.load(failing.save(), BRANIN_SPACE, F);
    Trial proposed = failing.ask(1).get(0);
    assertThat(abandoning.ask(1).get(0)).isEqualTo(proposed);
    failing.fail(proposed.id(), "the geometry does not close");
    abandoning.abandon(proposed.id(), "the geometry does not close");
    double afterFailure = distance(proposed, failing.ask(1).get(0));
    double afterAbandon = distance(proposed, abandoning.ask(1).get(0));
    assertThat(afterFailure).as("distance of the next point from the failed one (abandoned: %s)", afterAbandon)
        .isGreaterThan(afterAbandon).isGreaterThan(1e-3);
  }

  private static double distance(Trial a, Trial b) {
    double[] u = BRANIN_SPACE.unit(a.parameters());
    double[] v = BRANIN_SPACE.unit(b.parameters());
    return Math.hypot(u[0] - v[0], u[1] - v[1]);
  }

  @Test
  void logExpectedImprovementStaysFiniteAndOrderedWhereExpectedImprovementUnderflows() {
    double far = ExpectedImprovement.logExpectedImprovement(new double[] {40, 1}, 0);
    double farther = ExpectedImprovement.logExpectedImprovement(new double[] {60, 1}, 0);
    assertThat(far).isFinite();
    assertThat(farther).isFinite().isLessThan(far);
    // Either side of the switch to the asymptotic form, the two agree.
    assertThat(ExpectedImprovement.logH(-5.9999999)).isCloseTo(ExpectedImprovement.logH(-6.0000001), org.assertj.core.data.Offset.offset(1e-3));
  }
}
