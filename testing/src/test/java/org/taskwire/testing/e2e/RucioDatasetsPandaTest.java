package org.taskwire.testing.e2e;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.taskwire.WorkflowRun;

/** Files registered in Rucio from grid jobs of the PanDA emulator: they write through the RSE's door, the client registers. */
@org.junit.jupiter.api.condition.EnabledIf(value = "org.taskwire.testing.xrootd.XrootdStorage#answersOrStarts",
    disabledReason = org.taskwire.testing.xrootd.XrootdStorage.NOT_HERE)
class RucioDatasetsPandaTest extends RucioDatasetsContract {
  @RegisterExtension
  @Order(1)
  static final MultiStepPandaTest.Emulator emulator = new MultiStepPandaTest.Emulator();

  @Override
  protected WorkflowRun.Builder onBackend(WorkflowRun.Builder builder) {
    return builder.backend("panda").set("taskwire.panda.url", emulator.url()).set("taskwire.panda.auth", "oidc")
        .set("taskwire.panda.vo", "wlcg").set("taskwire.panda.id-token", MultiStepPandaTest.TOKEN)
        .set("taskwire.panda.poll-interval", "PT0.3S").set("taskwire.panda.result-grace", "1s")
        .set("taskwire.sandbox.cache-dir", emulator.sandboxes());
  }
}
