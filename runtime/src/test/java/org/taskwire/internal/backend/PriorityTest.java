package org.taskwire.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PriorityTest {
  @Test
  void aChildTakesItsEarliestInputsChainOneStepDeeper() {
    Priority sims1 = Priority.root(1);
    Priority sims2 = Priority.root(2);
    Priority reco = Priority.fedBy(List.of(sims1), 3, 1);
    Priority merge = Priority.fedBy(List.of(reco, Priority.fedBy(List.of(sims1), 4, 1)), 5, 1);
    assertThat(reco).isEqualTo(new Priority(1, 1, 1));
    assertThat(merge).isEqualTo(new Priority(1, 1, 2));
    assertThat(Priority.fedBy(List.of(sims2, reco), 6, 1)).isEqualTo(new Priority(1, 1, 2));
    assertThat(Priority.fedBy(List.of(), 7, 1)).isEqualTo(Priority.root(7));
  }

  @Test
  void theChainStartedFirstGoesFirstAndWithinItTheDeepest() {
    Priority sims1 = Priority.root(1);
    Priority sims2 = Priority.root(2);
    Priority reco1 = Priority.fedBy(List.of(sims1), 3, 1);
    Priority merge1 = Priority.fedBy(List.of(reco1), 4, 1);
    List<Priority> queue = new ArrayList<>(List.of(sims2, sims1, reco1, merge1));
    queue.sort(Priority.FIRST);
    assertThat(queue).containsExactly(merge1, reco1, sims1, sims2);
    Priority urgent = Priority.root(9, 5);
    queue.add(urgent);
    queue.sort(Priority.FIRST);
    assertThat(queue.get(0)).as("a higher rank before any chain").isEqualTo(urgent);
  }
}
