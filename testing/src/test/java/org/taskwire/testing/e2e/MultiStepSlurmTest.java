package org.taskwire.testing.e2e;

import java.nio.file.Path;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.taskwire.testing.TaskwireExtension;
import org.taskwire.testing.slurm.SlurmCluster;

/** Multi-step workflows on a real Slurm, in jobs mode: every call an array task of its fan-out's array job. */
@EnabledIf(value = "org.taskwire.testing.slurm.SlurmCluster#answers", disabledReason = SlurmCluster.NOT_HERE)
class MultiStepSlurmTest extends MultiStepContract {
  @RegisterExtension
  static final TaskwireExtension taskwire = TaskwireExtension.of(StepsTasks::builder).backend("slurm")
      .set("taskwire.slurm.poll-interval", "PT0.5S")
      .set("taskwire.slurm.result-grace", "2s")
      .set("taskwire.slurm.shared-dir", Path.of("target", "slurm").toAbsolutePath().toString());
}
