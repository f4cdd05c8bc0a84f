package org.taskwire.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Outcome constraints (Ax's {@code outcome_constraints}): a metric measured with the objectives that
 * must keep a bound. The optimiser does not know the bound's shape in the parameters; it learns it.
 */
class OutcomeConstraintTest {
  private static final SearchSpace SQUARE = SearchSpace.builder().range("x", 0, 1).range("y", 0, 1).build();

  /** f is least at (0.8, 0.8); the measured "budget" x + y must stay at most 1, so the best that counts is near (0.5, 0.5). */
  private static Map<String, Measurement> measure(Trial t) {
    double x = t.number("x");
    double y = t.number("y");
    return Map.of("f", Measurement.of(Math.pow(x - 0.8, 2) + Math.pow(y - 0.8, 2)), "budget", Measurement.of(x + y));
  }

  @Test
  void theGpLearnsTheBoundAndTheBestTrialKeepsIt() {
    List<OutcomeConstraint> budget = List.of(OutcomeConstraint.atMost("budget", 1));
    Optimizer o = Optimizers.gp(SQUARE, List.of(Objective.minimize("f")), budget, 4);
    double worstLate = 0;
    for (int i = 0; i < 30; i++) {
      Trial t = o.ask(1).get(0);
      Map<String, Measurement> m = measure(t);
      o.tell(t.id(), m);
      if (i >= 20) {
        worstLate = Math.max(worstLate, m.get("budget").mean());
      }
    }
    TrialRecord best = o.best().orElseThrow();
    assertThat(best.measurements().get("budget").mean()).isLessThanOrEqualTo(1);
    assertThat(best.measurements().get("f").mean()).as("the constrained minimum is 0.18").isLessThan(0.19);
    // Unconstrained, the proposals would close in on (0.8, 0.8), a budget of 1.6; these hug the bound.
    assertThat(worstLate).as("the largest budget among the last ten proposals").isLessThan(1.05);
    double unconstrainedBest = o.trials().stream().filter(r -> r.status() == TrialStatus.COMPLETED)
        .mapToDouble(r -> r.measurements().get("f").mean()).min().orElseThrow();
    assertThat(unconstrainedBest).as("some trials broke the bound for a better f").isLessThan(0.18);

    Optimizer loaded = Optimizers.load(o.save(), SQUARE, o.objectives(), budget);
    assertThat(loaded.best()).isEqualTo(o.best());
    assertThat(loaded.ask(1)).isEqualTo(o.ask(1));
  }

  /** EHVI and ParEGO: the front holds only trials that keep the bound, and the model's proposals mostly keep it. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"ehvi", "parego"})
  void multiObjectiveOptimisersKeepOnlyFeasibleTrialsOnTheirFrontAndProposeWithinTheBound(String name) {
    List<Objective> two = List.of(Objective.minimize("f"), Objective.maximize("x"));
    List<OutcomeConstraint> budget = List.of(OutcomeConstraint.atMost("budget", 1));
    Optimizer o = name.equals("ehvi") ? Optimizers.ehvi(SQUARE, two, budget, 2) : Optimizers.parego(SQUARE, two, budget, 2);
    int modelled = 0;
    int kept = 0;
    for (int i = 0; i < 24; i++) {
      Trial t = o.ask(1).get(0);
      Map<String, Measurement> m = new java.util.HashMap<>(measure(t));
      m.put("x", Measurement.of(t.number("x")));
      o.tell(t.id(), m);
      if (i >= 12) {
        modelled++;
        kept += m.get("budget").mean() <= 1 ? 1 : 0;
      }
    }
    assertThat(o.paretoFront()).isNotEmpty()
        .allSatisfy(r -> assertThat(r.measurements().get("budget").mean()).isLessThanOrEqualTo(1));
    assertThat(kept).as("model proposals that kept the bound, of %d", modelled).isGreaterThanOrEqualTo(modelled * 3 / 4);
    assertThat(Optimizers.load(o.save(), SQUARE, two, budget).ask(1)).isEqualTo(o.ask(1));
  }

  @Test
  void badInputIsRefusedSayingWhatToDo() {
    Optimizer o = Optimizers.gp(SQUARE, List.of(Objective.minimize("f")), List.of(OutcomeConstraint.atLeast("yield", 0.5)), 1);
    Trial t = o.ask(1).get(0);
    assertThatThrownBy(() -> o.tell(t.id(), Map.of("f", Measurement.of(1)))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("but not metric 'yield' of outcome constraint yield >= 0.5; tell it too");
    o.tell(t.id(), Map.of("f", Measurement.of(1), "yield", Measurement.of(0.2)));
    assertThat(o.best()).as("the only trial broke the bound").isEmpty();
    assertThatThrownBy(() -> Optimizers.gp(SQUARE, List.of(Objective.minimize("f")),
        List.of(OutcomeConstraint.atMost("f", 1)), 1)).hasMessageContaining("bounds an objective");
    assertThatThrownBy(() -> OutcomeConstraint.atMost("yield", Double.NaN)).hasMessageContaining("must be finite");
    assertThatThrownBy(() -> Optimizers.load(Optimizers.sobol(SQUARE, List.of(Objective.minimize("f")), 1).save(), SQUARE,
        List.of(Objective.minimize("f")), List.of(OutcomeConstraint.atMost("g", 1))))
        .hasMessageContaining("optimiser 'sobol' takes no outcome constraints");
  }
}
