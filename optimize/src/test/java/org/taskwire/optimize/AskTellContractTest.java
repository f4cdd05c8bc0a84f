package org.taskwire.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ask/tell contract, for every optimiser. */
class AskTellContractTest {
  private static final SearchSpace SPACE = SearchSpace.builder()
      .range("x", 0, 1)
      .logRange("rate", 1e-4, 1e-1)
      .intRange("layers", 1, 6)
      .choice("particle", "pi+", "kaon+", "proton")
      .fixed("detector", "epic")
      .build();
  private static final List<Objective> ONE = List.of(Objective.minimize("resolution"));

  private static Optimizer make(String name, SearchSpace space, List<Objective> objectives) {
    return switch (name) {
      case "sobol" -> Optimizers.sobol(space, objectives, 7);
      case "random" -> Optimizers.random(space, objectives, 7);
      case "gp" -> Optimizers.gp(space, objectives, 7);
      default -> throw new IllegalArgumentException(name);
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"sobol", "random", "gp"})
  void askedTrialsHaveFreshIdsAndLieInTheSpace(String name) {
    Optimizer o = make(name, SPACE, ONE);
    List<Trial> first = o.ask(3);
    List<Trial> second = o.ask(2);
    assertThat(first).extracting(Trial::id).containsExactly(0, 1, 2);
    assertThat(second).extracting(Trial::id).containsExactly(3, 4);
    for (Trial t : List.of(first, second).stream().flatMap(List::stream).toList()) {
      assertThat(t.number("x")).isBetween(0.0, 1.0);
      assertThat(t.number("rate")).isBetween(1e-4, 1e-1);
      assertThat(t.integer("layers")).isBetween(1L, 6L);
      assertThat(t.choice("particle")).isIn("pi+", "kaon+", "proton");
      assertThat(t.choice("detector")).isEqualTo("epic");
    }
    assertThat(o.trials()).extracting(TrialRecord::status).containsOnly(TrialStatus.RUNNING);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sobol", "random", "gp"})
  void trialsEndOnceAsCompletedFailedOrAbandonedAndTheBestIsAmongTheCompleted(String name) {
    Optimizer o = make(name, SPACE, ONE);
    List<Trial> t = o.ask(4);
    o.tell(0, Map.of("resolution", Measurement.of(0.3, 0.01)));
    o.tell(1, Map.of("resolution", Measurement.of(0.1), "cost", Measurement.of(5)));
    o.fail(2, "the simulation crashed");
    o.abandon(3, "bad geometry");
    assertThat(o.trials()).extracting(TrialRecord::status)
        .containsExactly(TrialStatus.COMPLETED, TrialStatus.COMPLETED, TrialStatus.FAILED, TrialStatus.ABANDONED);
    assertThat(o.trials().get(2).reason()).isEqualTo("the simulation crashed");
    assertThat(o.best()).hasValueSatisfying(r -> assertThat(r.trial()).isEqualTo(t.get(1)));

    assertThatThrownBy(() -> o.tell(0, Map.of("resolution", Measurement.of(1))))
        .isInstanceOf(IllegalStateException.class).hasMessage("cannot tell trial 0: it is COMPLETED already");
    assertThatThrownBy(() -> o.fail(9, "?"))
        .isInstanceOf(IllegalStateException.class).hasMessage("cannot fail trial 9: no such trial (ids go from 0 to 3)");
    Trial next = o.ask(1).get(0);
    assertThatThrownBy(() -> o.tell(next.id(), Map.of("cost", Measurement.of(1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("but not objective 'resolution'; tell every objective, or mark the trial failed");
    assertThatThrownBy(() -> Measurement.of(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mark the trial failed instead");
    assertThatThrownBy(() -> o.ask(0)).isInstanceOf(IllegalArgumentException.class);
  }

  /** A saved state, written to a file and read back, goes on exactly as the optimiser would have. */
  @ParameterizedTest
  @ValueSource(strings = {"sobol", "random", "gp"})
  void aSavedStateRoundTripsAndGoesOnWhereItStopped(String name, @TempDir Path dir) {
    Optimizer o = make(name, SPACE, ONE);
    o.ask(3);
    o.tell(0, Map.of("resolution", Measurement.of(0.2)));
    o.fail(1, "crashed");
    Path file = dir.resolve("state.json");
    Optimizers.save(o, file);
    Optimizer loaded = Optimizers.load(file, SPACE, ONE);

    assertThat(loaded.trials()).isEqualTo(o.trials());
    assertThat(loaded.save()).isEqualTo(o.save());
    assertThat(loaded.ask(4)).isEqualTo(o.ask(4));
    loaded.tell(2, Map.of("resolution", Measurement.of(0.05)));
    assertThat(loaded.best()).hasValueSatisfying(r -> assertThat(r.trial().id()).isEqualTo(2));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sobol", "random", "gp"})
  void everyTrialSatisfiesTheConstraints(String name) {
    SearchSpace space = SearchSpace.builder().range("x", 0, 1).range("y", 0, 1)
        .constraint(Map.of("x", 1.0, "y", 1.0), 0.5).build();
    Optimizer o = make(name, space, ONE);
    assertThat(o.ask(200)).allSatisfy(t -> assertThat(t.number("x") + t.number("y")).isLessThanOrEqualTo(0.5));
    SearchSpace none = SearchSpace.builder().range("x", 0, 1).constraint(Map.of("x", 1.0), -1).build();
    assertThatThrownBy(() -> make(name, none, ONE).ask(1)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("they leave (almost) no room in the space");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sobol", "random"})
  void theParetoFrontHoldsTheUndominatedTrialsWithinTheThresholds(String name) {
    List<Objective> two = List.of(Objective.minimize("resolution").withThreshold(1.0), Objective.maximize("acceptance"));
    Optimizer o = make(name, SPACE, two);
    o.ask(5);
    Function<double[], Map<String, Measurement>> m =
        v -> Map.of("resolution", Measurement.of(v[0]), "acceptance", Measurement.of(v[1]));
    o.tell(0, m.apply(new double[] {0.2, 0.5}));
    o.tell(1, m.apply(new double[] {0.4, 0.9}));
    o.tell(2, m.apply(new double[] {0.3, 0.4})); // dominated by trial 0
    o.tell(3, m.apply(new double[] {1.5, 0.99})); // past the resolution threshold
    o.fail(4, "crashed");
    assertThat(o.paretoFront()).extracting(r -> r.trial().id()).containsExactly(0, 1);
    assertThatThrownBy(o::best).isInstanceOf(IllegalStateException.class).hasMessageContaining("use paretoFront()");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sobol", "random", "gp"})
  void aStateOfAnotherOptimizerOrNotAStateIsRefused(String name) {
    Optimizer o = make(name, SPACE, ONE);
    o.ask(1);
    assertThatThrownBy(() -> Optimizers.gp(SPACE, List.of(Objective.minimize("a"), Objective.minimize("b")), 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("takes one objective");
    OptimizerState state = o.save();
    OptimizerState renamed = new OptimizerState("no-such-optimiser", state.seed(), state.drawn(), state.trials());
    assertThatThrownBy(() -> Optimizers.load(renamed, SPACE, ONE)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown optimiser 'no-such-optimiser'");
    assertThat(Optimizers.load(Optimizers.fromJson(Optimizers.toJson(state)), SPACE, ONE).name()).isEqualTo(o.name());
    assertThatThrownBy(() -> Optimizers.fromJson("{\"optimizer\": [1]}")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a saved optimiser state");
  }
  @ParameterizedTest
  @ValueSource(strings = {"sobol", "random", "gp"})
  void aStateIsRefusedByASpaceOrObjectivesItsTrialsDoNotBelongTo(String name) {
    Optimizer o = make(name, SPACE, ONE);
    o.ask(2);
    o.tell(0, Map.of("resolution", Measurement.of(0.3)));
    OptimizerState state = o.save();
    SearchSpace narrower = SearchSpace.builder().range("x", 0, 1e-9).logRange("rate", 1e-4, 1e-1).intRange("layers", 1, 6)
        .choice("particle", "pi+", "kaon+", "proton").fixed("detector", "epic").build();
    assertThatThrownBy(() -> Optimizers.load(state, narrower, ONE)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("of the saved state does not belong to this study: its parameter 'x' = ");
    SearchSpace fewer = SearchSpace.builder().range("x", 0, 1).build();
    assertThatThrownBy(() -> Optimizers.load(state, fewer, ONE)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trial 0 of the saved state does not belong to this study: its parameters are "
            + "[detector, layers, particle, rate, x], the search space's [x]");
    assertThatThrownBy(() -> Optimizers.load(state, SPACE, List.of(Objective.minimize("cost"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trial 0 of the saved state does not belong to this study: it has no measurement of "
            + "objective 'cost'");
  }
}
