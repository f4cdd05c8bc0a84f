package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.taskwire.ConfigurationException;
import org.taskwire.FailureKind;
import org.taskwire.WorkFailedException;
import org.taskwire.WorkflowRun;
import org.taskwire.testing.e2e.FileSteps.Point;

/** Storage Taskwire cannot use: a bad URL stops the start, an element that does not answer fails the call. */
class DataFilesBadStorageTest {

  @Test
  void aStorageElementThatDoesNotAnswerFailsTheCallSayingWhatToCheck() {
    // Nothing listens on port 9 of loopback.
    try (WorkflowRun run = FileStepsTasks.builder().backend("inprocess")
        .set("taskwire.data.url", "http://127.0.0.1:9/taskwire/").start()) {
      assertThatThrownBy(() -> FileStepsTasks.simreco(new Point("pi+", 0.1)))
          .isInstanceOfSatisfying(WorkFailedException.class, e -> {
            assertThat(e.kind()).isEqualTo(FailureKind.WORK_THREW);
            assertThat(e.remoteMessage()).contains("cannot reach the storage element to keep data file my_test.txt",
                "check that it runs and that taskwire.data.url names its HTTP door");
          });
    }
  }

  @Test
  void aStorageUrlTaskwireCannotUseStopsTheStartNamingWhatToGive() {
    assertThatThrownBy(() -> FileStepsTasks.builder().backend("inprocess")
        .set("taskwire.data.url", "root://127.0.0.1:11094//taskwire/").start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("root:// is not supported; give the storage element's HTTP door instead");
  }
}
