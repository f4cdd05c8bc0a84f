package org.taskwire.testing.e2e;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.taskwire.testing.TaskwireExtension;

class DataFilesInProcessTest extends DataFilesContract {
  @RegisterExtension
  static final TaskwireExtension taskwire = TaskwireExtension.of(FileStepsTasks::builder).backend("inprocess")
      .set("taskwire.data.url", DATA.toString());
}
