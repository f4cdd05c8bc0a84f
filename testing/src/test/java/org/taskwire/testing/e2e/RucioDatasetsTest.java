package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.taskwire.ConfigurationException;
import org.taskwire.WorkflowRun;

/** Files registered in Rucio from local workers; and a run whose Rucio is wrong does not start. */
@org.junit.jupiter.api.condition.EnabledIf(value = "org.taskwire.testing.xrootd.XrootdStorage#answersOrStarts",
    disabledReason = org.taskwire.testing.xrootd.XrootdStorage.NOT_HERE)
class RucioDatasetsTest extends RucioDatasetsContract {
  @Override
  protected WorkflowRun.Builder onBackend(WorkflowRun.Builder builder) {
    return builder.backend("local").set("taskwire.local.workers", "2");
  }

  @Test
  void aRunWithoutARucioThatAnswersOrTakesItsCredentialsDoesNotStart() {
    assertThatThrownBy(() -> run().set("taskwire.rucio.url", "http://127.0.0.1:9").start())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("cannot reach Rucio at http://127.0.0.1:9")
        .hasMessageContaining("taskwire.rucio.url");
    assertThatThrownBy(() -> run().set("taskwire.rucio.password", "wrong").start())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("401 CannotAuthenticate")
        .hasMessageContaining("taskwire.rucio.account");
    assertThatThrownBy(() -> run().set("taskwire.rucio.rse", "NOWHERE").start())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("404 RSENotFound");
    assertThatThrownBy(() -> run().set("taskwire.rucio.rse", "").start())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("taskwire.rucio.rse");
    assertThatThrownBy(() -> run().set("taskwire.rucio.password", "").start())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("taskwire.rucio.token-file");
    assertThatThrownBy(() -> run().set("taskwire.rucio.dataset", "{run}/{work}").start())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("no Rucio name");
  }
}
