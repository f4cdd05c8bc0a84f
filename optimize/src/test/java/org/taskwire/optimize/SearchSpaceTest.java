package org.taskwire.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SearchSpaceTest {

  @Test
  void badParametersAreRefusedNamingThem() {
    assertThatThrownBy(() -> SearchSpace.builder().range("x", 1, 1)).hasMessageContaining("parameter 'x'");
    assertThatThrownBy(() -> SearchSpace.builder().logRange("rate", 0, 1)).hasMessageContaining("log-scale range must be positive");
    assertThatThrownBy(() -> SearchSpace.builder().choice("p", "pi+")).hasMessageContaining("at least two values");
    assertThatThrownBy(() -> SearchSpace.builder().range("x", 0, 1).range("x", 0, 2)).hasMessageContaining("defined twice");
    assertThatThrownBy(() -> SearchSpace.builder().range(" x", 0, 1)).hasMessageContaining("without surrounding blanks");
    assertThatThrownBy(() -> SearchSpace.builder().build()).hasMessageContaining("at least one parameter");
    assertThatThrownBy(() -> SearchSpace.builder().choice("p", "a", "b").constraint(Map.of("p", 1.0), 1).build())
        .hasMessageContaining("'p', which is not a range");
    assertThatThrownBy(() -> SearchSpace.builder().range("x", 0, 1).constraint(Map.of("y", 1.0), 1).build())
        .hasMessageContaining("'y', which the space does not have");
    assertThatThrownBy(() -> SearchSpace.builder().fixed("f", List.of())).hasMessageContaining("a number, a string or a boolean");
  }

  @Test
  void theUnitCubeMapsOntoEachKindOfParameterAndBack() {
    SearchSpace space = SearchSpace.builder().range("x", -2, 2).logRange("rate", 1e-4, 1).intRange("n", 1, 4)
        .choice("p", "a", "b").fixed("f", 3).build();
    assertThat(space.dimensions()).isEqualTo(4);
    Map<String, Object> low = space.at(new double[] {0, 0, 0, 0});
    Map<String, Object> mid = space.at(new double[] {0.5, 0.5, 0.5, 0.5});
    Map<String, Object> high = space.at(new double[] {1, 1, 1, 1});
    assertThat(low).containsEntry("x", -2.0).containsEntry("n", 1L).containsEntry("p", "a").containsEntry("f", 3L);
    assertThat((Double) low.get("rate")).isCloseTo(1e-4, org.assertj.core.data.Offset.offset(1e-12));
    assertThat((Double) mid.get("rate")).isCloseTo(1e-2, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(high).containsEntry("x", 2.0).containsEntry("n", 4L).containsEntry("p", "b");
    // Each integer gets an equal slice of the unit interval.
    TreeSet<Long> seen = new TreeSet<>();
    for (int i = 0; i < 400; i++) {
      seen.add((Long) space.at(new double[] {0, 0, (i + 0.5) / 400, 0}).get("n"));
    }
    assertThat(seen).containsExactly(1L, 2L, 3L, 4L);
    double[] back = space.unit(mid);
    assertThat(back[0]).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(back[1]).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(space.at(back)).isEqualTo(mid);
  }

  /** The first 2^k points of a Sobol sequence put one point in each of 2^k equal slices of every axis. */
  @Test
  void sobolPointsAreEvenlySpread() {
    SearchSpace space = SearchSpace.builder().range("x", 0, 1).range("y", 0, 1).range("z", 0, 1).build();
    Optimizer sobol = Optimizers.sobol(space, List.of(Objective.minimize("f")), 0);
    List<Trial> trials = sobol.ask(64);
    for (String axis : List.of("x", "y", "z")) {
      TreeSet<Integer> slices = new TreeSet<>();
      trials.forEach(t -> slices.add((int) Math.floor(t.number(axis) * 64)));
      assertThat(slices).as(axis).hasSize(64);
    }
    // Another seed shifts the design: other points, as evenly spread.
    List<Trial> shifted = Optimizers.sobol(space, List.of(Objective.minimize("f")), 11).ask(64);
    assertThat(shifted.get(1).parameters()).isNotEqualTo(trials.get(1).parameters());
  }
}
