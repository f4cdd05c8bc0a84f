package org.taskwire.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.taskwire.annotations.Codec;

/** The inheritance rule of job options, for every option there is. */
class JobOptionsTest {
  private final JobOptions parent = JobOptions.builder().initEnv("source env.sh").containerImage("img")
      .queue("Q").site("S").cloud("C").cores(8).memoryMb(16000).walltime(Duration.ofHours(2)).maxAttempts(5)
      .codec(Codec.JSON).priority(7).build();

  @Test
  void everyOptionIsSetInTheParentUsedHere() throws Exception {
    // Guards the test itself: a new option must be set above, or inheriting it is not tested.
    for (RecordComponent c : JobOptions.class.getRecordComponents()) {
      assertThat(c.getAccessor().invoke(parent)).as(c.getName()).isNotNull();
    }
  }

  @Test
  void anUnsetOptionIsTheParentsAndASetOneStaysOwn() throws Exception {
    JobOptions child = JobOptions.builder().memoryMb(500).queue("own").build().inheritFrom(parent);
    for (RecordComponent c : JobOptions.class.getRecordComponents()) {
      Object expected = switch (c.getName()) {
        case "memoryMb" -> 500;
        case "queue" -> "own";
        default -> c.getAccessor().invoke(parent);
      };
      assertThat(c.getAccessor().invoke(child)).as(c.getName()).isEqualTo(expected);
    }
  }

  @Test
  void inheritingFromNothingChangesNothing() {
    assertThat(parent.inheritFrom(JobOptions.NONE)).isEqualTo(parent);
    assertThat(JobOptions.NONE.inheritFrom(JobOptions.NONE)).isEqualTo(JobOptions.NONE);
  }
}
