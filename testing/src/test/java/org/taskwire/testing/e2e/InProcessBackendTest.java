package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.taskwire.WorkflowRun;
import org.taskwire.testing.TaskwireExtension;

class InProcessBackendTest extends BackendContract {
  @RegisterExtension
  static final TaskwireExtension taskwire = TaskwireExtension.of(ProbeTasks::builder).backend("inprocess");

  @Test
  void runsInThisProcess(WorkflowRun run) {
    assertThat(run.backendName()).isEqualTo("inprocess");
    assertThat(ProbeTasks.pid()).isEqualTo(ProcessHandle.current().pid());
  }

  @Test
  void theExtensionsRunKeepsNoJournal(WorkflowRun run) {
    // The build sets taskwire.runs-dir for every test; the extension's run writes nothing there.
    assertThat(java.nio.file.Path.of(System.getProperty("taskwire.runs-dir"), run.runId())).doesNotExist();
  }
}
