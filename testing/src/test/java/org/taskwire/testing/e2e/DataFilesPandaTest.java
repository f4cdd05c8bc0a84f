package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.taskwire.FailureKind;
import org.taskwire.WorkFailedException;
import org.taskwire.testing.TaskwireExtension;
import org.taskwire.testing.e2e.FileSteps.Point;
import org.taskwire.testing.xrootd.XrootdStorage;

/**
 * Files between steps on the PanDA emulator: grid jobs keep their files on the XRootD storage
 * element, told where by their command line; with a directory instead, which no grid job can
 * reach, a job that creates a file fails saying what to set.
 */
class DataFilesPandaTest {
  // The emulator's own token: a jwt made in another second would carry another expiry.
  private static final String TOKEN = MultiStepPandaTest.TOKEN;

  private static TaskwireExtension panda(MultiStepPandaTest.Emulator emulator, String dataUrl) {
    return TaskwireExtension.of(() -> FileStepsTasks.builder().backend("panda")
        .set("taskwire.panda.url", emulator.url())
        .set("taskwire.panda.auth", "oidc")
        .set("taskwire.panda.vo", "wlcg")
        .set("taskwire.panda.id-token", TOKEN)
        .set("taskwire.panda.poll-interval", "PT0.3S")
        .set("taskwire.panda.result-grace", "1s")
        .set("taskwire.sandbox.cache-dir", emulator.sandboxes())
        .set("taskwire.data.url", dataUrl));
  }

  /** The files contract, the files kept on the storage element. */
  @Nested
  @EnabledIf(value = "org.taskwire.testing.xrootd.XrootdStorage#answersOrStarts", disabledReason = XrootdStorage.NOT_HERE)
  class OnAStorageElement extends DataFilesOverHttp {
    @RegisterExtension
    @Order(1)
    static final MultiStepPandaTest.Emulator emulator = new MultiStepPandaTest.Emulator();

    @RegisterExtension
    @Order(2)
    static final TaskwireExtension taskwire = panda(emulator, DataFilesOverHttp.KEPT);
  }

  @Nested
  class WithADirectory {
    @RegisterExtension
    @Order(1)
    static final MultiStepPandaTest.Emulator emulator = new MultiStepPandaTest.Emulator();

    @RegisterExtension
    @Order(2)
    static final TaskwireExtension taskwire = panda(emulator, DataFilesContract.DATA.toString());

    @Test
    void aGridJobThatCreatesAFileFailsSayingToSetAStorageElement() {
      assertThatThrownBy(() -> FileStepsTasks.simreco(new Point("pi+", 0.1)))
          .isInstanceOfSatisfying(WorkFailedException.class, e -> {
            assertThat(e.kind()).isEqualTo(FailureKind.WORK_THREW);
            assertThat(e.remoteMessage()).contains("this worker was started without a data directory",
                "PanDA jobs keep files only on a storage element");
          });
    }
  }
}
