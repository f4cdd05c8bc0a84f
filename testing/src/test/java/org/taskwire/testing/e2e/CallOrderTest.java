package org.taskwire.testing.e2e;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.taskwire.testing.TaskwireExtension;
import org.taskwire.testing.slurm.SlurmCluster;

/** The order of ready calls on every backend that holds a queue, with one worker each. */
class CallOrderTest {
  @Nested
  class InProcess extends CallOrderContract {
    @RegisterExtension
    static final TaskwireExtension taskwire =
        TaskwireExtension.of(StepsTasks::builder).backend("inprocess").set("taskwire.inprocess.threads", "1");
  }

  @Nested
  class LocalWorkers extends CallOrderContract {
    @RegisterExtension
    static final TaskwireExtension taskwire =
        TaskwireExtension.of(StepsTasks::builder).backend("local").set("taskwire.local.workers", "1");
  }

  @Nested
  @EnabledIf(value = "org.taskwire.testing.slurm.SlurmCluster#answersOrStarts", disabledReason = SlurmCluster.NOT_HERE)
  class SlurmPilots extends CallOrderContract {
    @RegisterExtension
    static final TaskwireExtension taskwire = SlurmHere.extension(StepsTasks::builder, "pilots")
        .set("taskwire.slurm.pilots-max", "1");
  }
}
