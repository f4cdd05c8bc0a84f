package org.taskwire.testing.e2e;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.taskwire.testing.TaskwireExtension;

/** The same contract with the JSON codec: a data file travels as a JSON object in both directions. */
class DataFilesJsonTest extends DataFilesContract {
  @RegisterExtension
  static final TaskwireExtension taskwire = TaskwireExtension.of(FileStepsTasks::builder).backend("local")
      .set("taskwire.local.workers", "1").set("taskwire.codec", "json").set("taskwire.data.url", DATA.toString());
}
