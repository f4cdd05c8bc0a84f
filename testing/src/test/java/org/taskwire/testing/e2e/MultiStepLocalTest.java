package org.taskwire.testing.e2e;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.taskwire.testing.TaskwireExtension;

class MultiStepLocalTest extends MultiStepContract {
  @RegisterExtension
  static final TaskwireExtension taskwire =
      TaskwireExtension.of(StepsTasks::builder).backend("local").set("taskwire.local.workers", "2");
}
