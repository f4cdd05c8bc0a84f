package org.taskwire.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** NSGA-II, ParEGO and EHVI: the ask/tell contract past their Sobol start, and on BraninCurrin. */
class MultiObjectiveTest {
  private static final SearchSpace UNIT_SQUARE = SearchSpace.builder().range("x0", 0, 1).range("x1", 0, 1).build();
  /** BoTorch's BraninCurrin, both minimised, with its reference point (18, 6). */
  private static final List<Objective> BRANIN_CURRIN =
      List.of(Objective.minimize("branin").withThreshold(18.0), Objective.minimize("currin").withThreshold(6.0));

  static Map<String, Measurement> braninCurrin(Trial t) {
    double x0 = t.number("x0");
    double x1 = t.number("x1");
    double u = 15 * x0 - 5;
    double v = 15 * x1;
    double a = v - 5.1 / (4 * Math.PI * Math.PI) * u * u + 5 / Math.PI * u - 6;
    double branin = a * a + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(u) + 10;
    double currin = (1 - Math.exp(-1 / (2 * x1)))
        * (2300 * x0 * x0 * x0 + 1900 * x0 * x0 + 2092 * x0 + 60)
        / (100 * x0 * x0 * x0 + 500 * x0 * x0 + 4 * x0 + 20);
    return Map.of("branin", Measurement.of(branin), "currin", Measurement.of(currin));
  }

  private static Optimizer make(String name, long seed) {
    return switch (name) {
      case "nsga2" -> Optimizers.nsga2(UNIT_SQUARE, BRANIN_CURRIN, seed);
      case "parego" -> Optimizers.parego(UNIT_SQUARE, BRANIN_CURRIN, seed);
      case "ehvi" -> Optimizers.ehvi(UNIT_SQUARE, BRANIN_CURRIN, seed);
      default -> Optimizers.sobol(UNIT_SQUARE, BRANIN_CURRIN, seed);
    };
  }

  /** Runs {@code budget} trials, {@code q} at a time, and returns the hypervolume reached. */
  private static double run(Optimizer o, int budget, int q) {
    for (int done = 0; done < budget; done += q) {
      for (Trial t : o.ask(Math.min(q, budget - done))) {
        o.tell(t.id(), braninCurrin(t));
      }
    }
    return Hypervolume.of(o.trials(), o.objectives());
  }

  /** Past the Sobol start, so that what is checked is the model's proposals. */
  @ParameterizedTest
  @ValueSource(strings = {"nsga2", "parego", "ehvi"})
  void pastItsSobolStartASavedStateGoesOnWhereItStoppedAndFailuresAreLeftOut(String name) {
    Optimizer o = make(name, 11);
    run(o, 24, 3);
    List<Trial> running = o.ask(3);
    o.fail(running.get(0).id(), "crashed");
    o.abandon(running.get(1).id(), "bad geometry");
    Optimizer loaded = Optimizers.load(Optimizers.fromJson(Optimizers.toJson(o.save())), UNIT_SQUARE, BRANIN_CURRIN);
    assertThat(loaded.name()).isEqualTo(name);
    List<Trial> next = o.ask(3);
    assertThat(loaded.ask(3)).isEqualTo(next);
    assertThat(next).allSatisfy(t -> {
      assertThat(t.number("x0")).isBetween(0.0, 1.0);
      assertThat(t.number("x1")).isBetween(0.0, 1.0);
    });
    // Not the Sobol points the baseline would have drawn in their place.
    Optimizer sobol = make("sobol", 11);
    sobol.ask(27);
    assertThat(next).isNotEqualTo(sobol.ask(3));
    assertThat(o.paretoFront()).isNotEmpty().allSatisfy(r -> assertThat(r.status()).isEqualTo(TrialStatus.COMPLETED));
  }

  @Test
  void parEgoReachesAGreaterHypervolumeThanSobolOnBraninCurrin() {
    double parego = 0;
    double sobol = 0;
    for (long seed = 1; seed <= 2; seed++) {
      parego += run(make("parego", seed), 30, 2);
      sobol += run(make("sobol", seed), 30, 2);
    }
    assertThat(parego / 2).as("ParEGO's mean hypervolume after 30 trials, against Sobol's (%s)", sobol / 2)
        .isGreaterThan(sobol / 2);
  }

  @Test
  void parEgoAndEhviNeedTwoObjectives() {
    assertThatThrownBy(() -> Optimizers.parego(UNIT_SQUARE, List.of(Objective.minimize("f")), 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("for one, use Optimizers.gp");
    assertThatThrownBy(() -> Optimizers.ehvi(UNIT_SQUARE, List.of(Objective.minimize("f")), 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("for one, use Optimizers.gp");
  }

  /** On BraninCurrin, EHVI reaches a greater hypervolume than ParEGO with the same budget (BoTorch's finding too). */
  @Test
  void ehviReachesAGreaterHypervolumeThanParEgo() {
    double ehvi = 0;
    double parego = 0;
    for (long seed = 1; seed <= 2; seed++) {
      ehvi += run(make("ehvi", seed), 30, 2);
      parego += run(make("parego", seed), 30, 2);
    }
    assertThat(ehvi / 2).as("EHVI's mean hypervolume after 30 trials, against ParEGO's (%s)", parego / 2)
        .isGreaterThan(parego / 2);
  }

  /**
   * The closed form of the expected hypervolume improvement against a Monte Carlo estimate: HVI of
   * outcomes drawn from the predictions, each computed as a hypervolume with and without it, for
   * fronts of two and three objectives.
   */
  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void theExpectedImprovementIsExact(int m) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(m);
    List<double[]> points = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      double[] p = new double[m];
      for (int j = 0; j < m; j++) {
        p[j] = random.nextDouble();
      }
      points.add(p);
    }
    double[] reference = new double[m];
    java.util.Arrays.fill(reference, 1.1);
    List<double[]> front = points.stream().filter(p -> points.stream().noneMatch(q -> q != p && dominates(q, p)))
        .toList();
    EhviOptimizer.Boxes boxes = EhviOptimizer.boxes(front, reference);
    double base = Hypervolume.ofMinimised(front, reference);
    double[] mu = new double[m];
    double[] sigma = new double[m];
    for (int j = 0; j < m; j++) {
      mu[j] = 0.3 + 0.1 * j;
      sigma[j] = 0.2;
    }
    double exact = EhviOptimizer.expectedImprovement(boxes, mu, sigma);
    double sum = 0;
    int draws = 200_000;
    for (int k = 0; k < draws; k++) {
      double[] y = new double[m];
      for (int j = 0; j < m; j++) {
        y[j] = mu[j] + sigma[j] * Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
            * Math.cos(2 * Math.PI * random.nextDouble());
      }
      List<double[]> with = new java.util.ArrayList<>(front);
      with.add(y);
      sum += Hypervolume.ofMinimised(with, reference) - base;
    }
    assertThat(exact).as("against Monte Carlo's %s", sum / draws).isGreaterThan(0)
        .isCloseTo(sum / draws, org.assertj.core.data.Percentage.withPercentage(2));
  }

  private static boolean dominates(double[] a, double[] b) {
    boolean strictly = false;
    for (int j = 0; j < a.length; j++) {
      if (a[j] > b[j]) {
        return false;
      }
      strictly |= a[j] < b[j];
    }
    return strictly;
  }
}
