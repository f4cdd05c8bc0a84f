package org.taskwire.testing.e2e;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.taskwire.testing.TaskwireExtension;
import org.taskwire.testing.slurm.SlurmCluster;

/** Multi-step workflows on a real Slurm, in both modes. */
@EnabledIf(value = "org.taskwire.testing.slurm.SlurmCluster#answersOrStarts", disabledReason = SlurmCluster.NOT_HERE)
class MultiStepSlurmTest {

  private static TaskwireExtension slurm(String mode) {
    return SlurmHere.extension(StepsTasks::builder, mode);
  }

  /** Pilots: every call goes to a pilot JVM that connected back to the client. */
  @Nested
  class Pilots extends MultiStepContract {
    @RegisterExtension
    static final TaskwireExtension taskwire = slurm("pilots");
  }

  /** Jobs: every call an array task of its fan-out's array job. */
  @Nested
  class Jobs extends MultiStepContract {
    @RegisterExtension
    static final TaskwireExtension taskwire = slurm("jobs");
  }
}
