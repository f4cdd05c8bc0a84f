package org.taskwire.testing.e2e;

import java.nio.file.Path;
import org.junit.jupiter.api.condition.EnabledIf;
import org.taskwire.WorkflowRun;
import org.taskwire.testing.slurm.SlurmCluster;
import org.taskwire.testing.xrootd.XrootdStorage;

/** Files registered in Rucio from Slurm pilots: they write through the RSE's door, the client registers. */
@EnabledIf(value = "slurmAndXrootd", disabledReason = SlurmCluster.NOT_HERE + "; or " + XrootdStorage.NOT_HERE)
class RucioDatasetsSlurmTest extends RucioDatasetsContract {
  static boolean slurmAndXrootd() {
    return SlurmCluster.answersOrStarts() && XrootdStorage.answersOrStarts();
  }

  @Override
  protected WorkflowRun.Builder onBackend(WorkflowRun.Builder builder) {
    return builder.backend("slurm").set("taskwire.slurm.mode", "pilots").set("taskwire.slurm.poll-interval", "PT0.5S")
        .set("taskwire.slurm.result-grace", "2s")
        .set("taskwire.slurm.shared-dir", Path.of("target", "slurm").toAbsolutePath().toString());
  }
}
