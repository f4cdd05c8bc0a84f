package org.taskwire.testing.e2e;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.taskwire.testing.TaskwireExtension;
import org.taskwire.testing.slurm.SlurmCluster;

/** Files between steps on a real Slurm, in both modes, kept in a directory the nodes share. */
@EnabledIf(value = "org.taskwire.testing.slurm.SlurmCluster#answersOrStarts", disabledReason = SlurmCluster.NOT_HERE)
class DataFilesSlurmTest {

  private static TaskwireExtension slurm(String mode) {
    return SlurmHere.extension(FileStepsTasks::builder, mode).set("taskwire.data.url", DataFilesContract.DATA.toString());
  }

  @Nested
  class Pilots extends DataFilesContract {
    @RegisterExtension
    static final TaskwireExtension taskwire = slurm("pilots");
  }

  @Nested
  class Jobs extends DataFilesContract {
    @RegisterExtension
    static final TaskwireExtension taskwire = slurm("jobs");
  }
}
