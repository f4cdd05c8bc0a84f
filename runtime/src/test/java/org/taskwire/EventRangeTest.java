package org.taskwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventRangeTest {
  @Test
  void eventsAreSplitInJobsNumberedFromOneTheLastHoldingWhatIsLeft() {
    assertThat(EventRange.split(200, 100)).containsExactly(new EventRange(0, 100, 1, 200), new EventRange(100, 100, 2, 200));
    List<EventRange> uneven = EventRange.split(250, 100);
    assertThat(uneven).extracting(EventRange::count).containsExactly(100L, 100L, 50L);
    assertThat(uneven.get(2).first()).isEqualTo(200);
    assertThat(uneven.stream().mapToDouble(EventRange::fraction).sum()).isEqualTo(1.0);
    assertThat(EventRange.split(5, 100)).containsExactly(new EventRange(0, 5, 1, 5));
  }

  @Test
  void badSplitsAndSlicesAreRefusedNamingTheValues() {
    assertThatThrownBy(() -> EventRange.split(0, 100)).hasMessageContaining("split 0 events in jobs of 100");
    assertThatThrownBy(() -> EventRange.split(100, 0)).hasMessageContaining("both must be at least 1");
    assertThatThrownBy(() -> new EventRange(90, 20, 1, 100)).hasMessageContaining("first 90, count 20");
  }
}
