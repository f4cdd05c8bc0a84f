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
  void aFileLargerThanTheLimitFailsItsCallBeforeItIsKept(@org.junit.jupiter.api.io.TempDir java.nio.file.Path data) {
    try (WorkflowRun run = FileStepsTasks.builder().backend("local").set("taskwire.local.workers", "1")
        .set("taskwire.data.url", data.toString()).set("taskwire.data.max-file-size", "4").start()) {
      assertThatThrownBy(() -> FileStepsTasks.simreco(new Point("pi+", 0.1)))
          .isInstanceOfSatisfying(WorkFailedException.class, e -> {
            assertThat(e.kind()).isEqualTo(FailureKind.WORK_THREW);
            assertThat(e.remoteMessage()).contains("data file my_test.txt is 8 bytes, more than "
                + "taskwire.data.max-file-size allows (4 bytes); it was not kept");
          });
    }
    assertThatThrownBy(() -> FileStepsTasks.builder().backend("inprocess").set("taskwire.data.max-file-size", "lots").start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("expected a positive size in bytes, such as 1048576, 512M or 2G");
  }

  @Test
  void aStorageUrlTaskwireCannotUseStopsTheStartNamingWhatToGive() {
    assertThatThrownBy(() -> FileStepsTasks.builder().backend("inprocess")
        .set("taskwire.data.url", "root://127.0.0.1:11094//taskwire/").start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("root:// is not supported; give the storage element's HTTP door instead");
  }
}
