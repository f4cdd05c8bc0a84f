package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.taskwire.FailureKind;
import org.taskwire.WorkFailedException;
import org.taskwire.testing.TaskwireExtension;
import org.taskwire.testing.e2e.FileSteps.Point;

/**
 * PanDA keeps no files yet (that needs a storage element): a grid job that creates one fails, and
 * says why, rather than writing where no later job could read it.
 */
class DataFilesPandaTest {
  private static final String TOKEN = PandaBackendTest.jwt("alice");

  @RegisterExtension
  @Order(1)
  static final MultiStepPandaTest.Emulator panda = new MultiStepPandaTest.Emulator();

  @RegisterExtension
  @Order(2)
  static final TaskwireExtension taskwire = TaskwireExtension.of(() -> FileStepsTasks.builder().backend("panda")
      .set("taskwire.panda.url", panda.url())
      .set("taskwire.panda.auth", "oidc")
      .set("taskwire.panda.vo", "wlcg")
      .set("taskwire.panda.id-token", TOKEN)
      .set("taskwire.panda.poll-interval", "PT0.3S")
      .set("taskwire.panda.result-grace", "1s")
      .set("taskwire.sandbox.cache-dir", panda.sandboxes()));

  @Test
  void aGridJobThatCreatesAFileFailsSayingPandaKeepsNoneYet() {
    assertThatThrownBy(() -> FileStepsTasks.simreco(new Point("pi+", 0.1)))
        .isInstanceOfSatisfying(WorkFailedException.class, e -> {
          assertThat(e.kind()).isEqualTo(FailureKind.WORK_THREW);
          assertThat(e.remoteMessage()).contains("this worker was started without a data directory");
        });
  }
}
