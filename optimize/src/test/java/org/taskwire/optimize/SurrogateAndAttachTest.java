package org.taskwire.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What Ax users reach for: a trial evaluated elsewhere attached, and the model's predictions, cross-validation and sensitivities. */
class SurrogateAndAttachTest {
  private static final SearchSpace SPACE = SearchSpace.builder().range("x", 0, 1).range("y", 0, 1)
      .intRange("layers", 1, 5).constraint(Map.of("x", 1, "layers", 1), 5.5).build();
  private static final List<Objective> F = List.of(Objective.minimize("f"));

  private static double f(Trial t) {
    return Math.sin(6 * t.number("x")) + 0.3 * t.integer("layers");
  }

  @Test
  void aBaselineEvaluatedElsewhereIsAttachedToldAndKeptWithTheRest() {
    Optimizer o = Optimizers.gp(SPACE, F, 1);
    Trial baseline = o.attach(Map.of("x", 1, "y", 0.5, "layers", 3));
    assertThat(baseline.parameters()).isEqualTo(Map.of("x", 1.0, "y", 0.5, "layers", 3L));
    o.tell(baseline.id(), Map.of("f", Measurement.of(-5)));
    for (Trial t : o.ask(8)) {
      o.tell(t.id(), Map.of("f", Measurement.of(f(t))));
    }
    assertThat(o.best().orElseThrow().trial()).isEqualTo(baseline);
    Optimizer loaded = Optimizers.load(o.save(), SPACE, F);
    assertThat(loaded.trials().get(0).trial()).isEqualTo(baseline);
    assertThat(o.ask(1).get(0).parameters()).as("the model goes on past it").isNotEqualTo(baseline.parameters());

    assertThatThrownBy(() -> o.attach(Map.of("x", 2, "y", 0.5, "layers", 3))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot attach a trial: its parameter 'x' = 2.0 does not fit");
    assertThatThrownBy(() -> o.attach(Map.of("x", 0.9, "y", 0.5, "layers", 5))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("breaks the constraints");
    assertThatThrownBy(() -> o.attach(Map.of("x", 0.5, "y", 0.5, "layers", 2.5)))
        .hasMessageContaining("parameter 'layers' is an integer, got 2.5");
    assertThatThrownBy(() -> o.attach(Map.of("x", 0.5, "layers", 2))).hasMessageContaining("its parameters are [layers, x]");
  }

  @Test
  void theSurrogatePredictsCrossValidatesAndRanksTheParameters() {
    Optimizer o = Optimizers.sobol(SPACE, F, 2);
    for (Trial t : o.ask(40)) {
      o.tell(t.id(), Map.of("f", Measurement.of(f(t))));
    }
    Surrogate s = Surrogate.fit(o, "f");
    Map<String, Object> at = Map.of("x", 0.25, "y", 0.9, "layers", 2L);
    Surrogate.Prediction p = s.predict(at);
    assertThat(p.mean()).isCloseTo(Math.sin(1.5) + 0.6, offset(0.05));
    assertThat(p.sd()).isPositive().isLessThan(0.1);

    List<Surrogate.Prediction> loo = s.crossValidate();
    assertThat(loo).hasSize(40);
    double worst = 0;
    for (int i = 0; i < loo.size(); i++) {
      double truth = s.trials().get(i).measurements().get("f").mean();
      worst = Math.max(worst, Math.abs(loo.get(i).mean() - truth));
      assertThat(loo.get(i).mean()).as("left out, trial %d is predicted, not recalled", i).isNotEqualTo(truth);
    }
    assertThat(worst).as("the largest leave-one-out error").isLessThan(0.3);

    Map<String, Double> sensitivity = s.sensitivity();
    assertThat(sensitivity.keySet()).containsExactly("x", "y", "layers");
    assertThat(sensitivity.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1, offset(1e-9));
    assertThat(sensitivity.get("y")).as("f does not depend on y").isLessThan(0.1);
    assertThat(sensitivity.get("x")).isGreaterThan(sensitivity.get("y"));

    assertThatThrownBy(() -> Surrogate.fit(o, "g")).hasMessageContaining("no objective 'g'; it has [f]");
  }
}
