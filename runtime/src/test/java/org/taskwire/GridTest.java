package org.taskwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class GridTest {
  record Point(String particle, double eta) {}

  record Cell(int a, String b, boolean c) {}

  @Test
  void productIsNestedLoopsInArgumentOrder() {
    assertThat(Grid.product(Point::new, List.of("pi+", "kaon+"), List.of(0.1, 0.2))).containsExactly(
        new Point("pi+", 0.1), new Point("pi+", 0.2), new Point("kaon+", 0.1), new Point("kaon+", 0.2));
    assertThat(Grid.product(Cell::new, List.of(1, 2), List.of("x"), List.of(true, false))).containsExactly(
        new Cell(1, "x", true), new Cell(1, "x", false), new Cell(2, "x", true), new Cell(2, "x", false));
  }

  @Test
  void zipPairsByPosition() {
    assertThat(Grid.zip(Point::new, List.of("pi+", "e-"), List.of(0.1, 0.3)))
        .containsExactly(new Point("pi+", 0.1), new Point("e-", 0.3));
  }

  @Test
  void badListsAndRepeatedPointsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> Grid.zip(Point::new, List.of("pi+"), List.of(0.1, 0.2)))
        .hasMessage("zip needs lists of one length, not 1 and 2");
    assertThatThrownBy(() -> Grid.product(Point::new, List.of(), List.of(0.1)))
        .hasMessage("the first list of a grid product is empty");
    assertThatThrownBy(() -> Grid.product(Point::new, List.of("pi+", "pi+"), List.of(0.1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the grid has the point Point[particle=pi+, eta=0.1] twice");
    assertThatThrownBy(() -> Grid.product((a, b) -> null, List.of("pi+"), List.of(0.1)))
        .hasMessage("the point function returned null");
  }
}
