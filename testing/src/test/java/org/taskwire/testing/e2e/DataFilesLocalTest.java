package org.taskwire.testing.e2e;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.taskwire.testing.TaskwireExtension;

class DataFilesLocalTest extends DataFilesContract {
  @RegisterExtension
  static final TaskwireExtension taskwire = TaskwireExtension.of(FileStepsTasks::builder).backend("local")
      .set("taskwire.local.workers", "2").set("taskwire.data.url", DATA.toUri().toString());
}
