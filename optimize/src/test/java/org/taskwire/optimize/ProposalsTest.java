package org.taskwire.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the model-based optimisers propose: inside linear constraints by construction (one draw per
 * proposal, none rejected), choices as categories, integers as the values they take, and never a
 * point a trial already took.
 */
class ProposalsTest {
  private static final List<Objective> F = List.of(Objective.minimize("f"));

  /** Runs {@code budget} trials, {@code q} asked at a time; returns how many draws each model proposal took. */
  private static List<Long> run(TrialBook o, int budget, int q, ToDoubleFunction<Trial> f, int initial) {
    List<Long> drawsPerProposal = new ArrayList<>();
    for (int done = 0; done < budget; done += q) {
      for (int k = 0; k < Math.min(q, budget - done); k++) {
        long before = o.drawn();
        Trial t = o.ask(1).get(0);
        if (done + k >= initial) {
          drawsPerProposal.add(o.drawn() - before);
        }
      }
      for (TrialRecord r : o.trials()) {
        if (r.status() == TrialStatus.RUNNING) {
          o.tell(r.trial().id(), Map.of("f", Measurement.of(f.applyAsDouble(r.trial()))));
        }
      }
    }
    return drawsPerProposal;
  }

  /**
   * The unconstrained optimum (0.6, 0.6) lies outside {@code x + y ≤ 1}: each proposal of the GP
   * is inside at the first draw (an ask once refitted the model for each of thousands of rejected
   * draws), and the trials close in on the constrained optimum (0.5, 0.5) on the boundary.
   */
  @Test
  void theGpProposesInsideAConstraintThatCutsOffTheOptimumAndFindsTheOptimumOnItsBoundary() {
    SearchSpace space = SearchSpace.builder().range("x", 0, 1).range("y", 0, 1)
        .constraint(Map.of("x", 1, "y", 1), 1).build();
    GpOptimizer o = new GpOptimizer(space, F, 3);
    ToDoubleFunction<Trial> f = t -> Math.pow(t.number("x") - 0.6, 2) + Math.pow(t.number("y") - 0.6, 2);
    List<Long> draws = run(o, 25, 1, f, o.initialPoints());
    assertThat(draws).as("draws per model proposal").hasSize(25 - o.initialPoints()).containsOnly(1L);
    assertThat(o.trials()).allSatisfy(r -> assertThat(r.trial().number("x") + r.trial().number("y"))
        .isLessThanOrEqualTo(1.0));
    assertThat(o.best().orElseThrow().measurements().get("f").mean()).as("best value; the constrained minimum is 0.02")
        .isLessThan(0.021);
  }

  /** Hartmann-6 under Σx ≤ 1.5, which its optimum (Σx = 2.07) does not satisfy, three trials running at a time. */
  @Test
  void aConstraintActiveAtTheOptimumInSixDimensionsWithTrialsRunning() {
    SearchSpace.Builder b = SearchSpace.builder();
    Map<String, Integer> all = new java.util.HashMap<>();
    for (int i = 0; i < 6; i++) {
      b.range("x" + i, 0, 1);
      all.put("x" + i, 1);
    }
    SearchSpace space = b.constraint(all, 1.5).build();
    GpOptimizer o = new GpOptimizer(space, F, 11);
    List<Long> draws = run(o, 30, 3, t -> hartmann6(t), o.initialPoints());
    assertThat(draws).containsOnly(1L);
    assertThat(o.trials()).allSatisfy(r -> {
      double sum = 0;
      for (int i = 0; i < 6; i++) {
        sum += r.trial().number("x" + i);
      }
      assertThat(sum).isLessThanOrEqualTo(1.5);
    });
    double sobolBest = run(new SobolOptimizer(space, F, 11), 30, hartmann6Values());
    assertThat(o.best().orElseThrow().measurements().get("f").mean()).as("against Sobol's %s", sobolBest)
        .isLessThan(sobolBest);
  }

  /**
   * A choice is a category: with observations at its first and last values only, the model
   * predicts the same at the two values between, which an ordered treatment (slices of [0, 1])
   * would put nearer their neighbours.
   */
  @Test
  void aChoiceIsACategoryWithNoOrderAmongItsValues() {
    double[] sem = {Double.NaN, Double.NaN, Double.NaN};
    List<double[]> x = List.of(new double[] {0.125, 0.2}, new double[] {0.875, 0.2}, new double[] {0.125, 0.8});
    double[] y = {0, 1, 0.5};
    GaussianProcess categorical = GaussianProcess.fit(x, y, sem, new boolean[] {true, false});
    assertThat(categorical.predict(new double[] {0.375, 0.2})[0])
        .isCloseTo(categorical.predict(new double[] {0.625, 0.2})[0], org.assertj.core.data.Offset.offset(1e-9));
    GaussianProcess ordered = GaussianProcess.fit(x, y, sem, new boolean[] {false, false});
    assertThat(ordered.predict(new double[] {0.375, 0.2})[0]).as("ordered, the second value leans to the first's 0")
        .isLessThan(ordered.predict(new double[] {0.625, 0.2})[0] - 1e-3);
  }

  /** The best category is one in the middle of the list, with the real parameter tuned within it. */
  @Test
  void theGpFindsTheBestCategoryAndTheBestIntegerAmongOthers() {
    SearchSpace space = SearchSpace.builder().choice("material", "lead", "tungsten", "iron", "copper", "brass")
        .intRange("layers", 1, 9).range("x", 0, 1).build();
    Map<String, Double> cost = Map.of("lead", 3.0, "tungsten", 1.0, "iron", 4.0, "copper", 0.0, "brass", 5.0);
    ToDoubleFunction<Trial> f = t -> cost.get(t.choice("material")) + 0.3 * Math.abs(t.integer("layers") - 6)
        + Math.pow(t.number("x") - 0.3, 2);
    GpOptimizer o = new GpOptimizer(space, F, 5);
    run(o, 40, 1, f, 0);
    Trial best = o.best().orElseThrow().trial();
    assertThat(best.choice("material")).isEqualTo("copper");
    assertThat(best.integer("layers")).isEqualTo(6L);
    assertThat(best.number("x")).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.1));
  }

  /** Choices of numbers and booleans keep their types through proposals, the saved state and its JSON. */
  @Test
  void choicesOfNumbersAndBooleansKeepTheirTypes() {
    SearchSpace space = SearchSpace.builder().choice("layers", 4, 8, 16).choice("magnet", true, false)
        .choice("field", 1.5, 3.0).range("x", 0, 1).build();
    GpOptimizer o = new GpOptimizer(space, F, 8);
    run(o, 14, 1, t -> t.integer("layers") / 16.0 + (t.flag("magnet") ? 0 : 1) + t.number("field") + t.number("x"), 0);
    Trial best = o.best().orElseThrow().trial();
    assertThat(best.parameters().get("layers")).isInstanceOf(Long.class);
    assertThat(best.parameters().get("magnet")).isInstanceOf(Boolean.class);
    assertThat(best.parameters().get("field")).isInstanceOf(Double.class);
    Optimizer loaded = Optimizers.load(Optimizers.fromJson(Optimizers.toJson(o.save())), space, F);
    assertThat(loaded.trials()).isEqualTo(o.trials());
    assertThatThrownBy(() -> SearchSpace.builder().choice("mixed", 1, "two")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be of one type");
    assertThatThrownBy(() -> best.choice("layers")).hasMessageContaining("not a choice");
  }

  /** Every optimiser proposes each point of a small discrete space once, then says there is none left. */
  @ParameterizedTest
  @ValueSource(strings = {"sobol", "random", "gp", "nsga2"})
  void noPointIsProposedTwiceAndAnExhaustedSpaceSaysSo(String name) {
    SearchSpace space = SearchSpace.builder().intRange("layers", 1, 4).choice("particle", "pi+", "kaon+", "proton")
        .build();
    List<Objective> objectives = name.equals("nsga2") ? List.of(Objective.minimize("f"), Objective.minimize("g")) : F;
    TrialBook o = switch (name) {
      case "sobol" -> new SobolOptimizer(space, objectives, 2);
      case "random" -> new RandomOptimizer(space, objectives, 2);
      case "gp" -> new GpOptimizer(space, objectives, 2);
      default -> new Nsga2Optimizer(space, objectives, 2);
    };
    Set<Map<String, Object>> seen = new HashSet<>();
    for (int i = 0; i < 12; i++) {
      Trial t = o.ask(1).get(0);
      assertThat(seen.add(t.parameters())).as("trial %d, %s, is new", i, t.parameters()).isTrue();
      double v = t.integer("layers") + t.choice("particle").length();
      o.tell(t.id(), name.equals("nsga2") ? Map.of("f", Measurement.of(v), "g", Measurement.of(-v))
          : Map.of("f", Measurement.of(v)));
    }
    assertThatThrownBy(() -> o.ask(1)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no point left that no trial has taken");
  }

  private static double run(Optimizer o, int budget, ToDoubleFunction<Trial> f) {
    for (int i = 0; i < budget; i++) {
      Trial t = o.ask(1).get(0);
      o.tell(t.id(), Map.of("f", Measurement.of(f.applyAsDouble(t))));
    }
    return o.best().orElseThrow().measurements().get("f").mean();
  }

  private static ToDoubleFunction<Trial> hartmann6Values() {
    return ProposalsTest::hartmann6;
  }

  private static final double[] ALPHA = {1.0, 1.2, 3.0, 3.2};
  private static final double[][] A = {
      {10, 3, 17, 3.5, 1.7, 8}, {0.05, 10, 17, 0.1, 8, 14}, {3, 3.5, 1.7, 10, 17, 8}, {17, 8, 0.05, 10, 0.1, 14}};
  private static final double[][] P = {
      {0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886}, {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
      {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650}, {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};

  static double hartmann6(Trial t) {
    double sum = 0;
    for (int i = 0; i < 4; i++) {
      double inner = 0;
      for (int j = 0; j < 6; j++) {
        double d = t.number("x" + j) - P[i][j];
        inner += A[i][j] * d * d;
      }
      sum += ALPHA[i] * Math.exp(-inner);
    }
    return -sum;
  }
}
