package org.taskwire.testing.e2e;

import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.taskwire.testing.TaskwireExtension;
import org.taskwire.testing.xrootd.XrootdStorage;

/**
 * Files kept on a real XRootD storage element, reached through its WebDAV door: local workers
 * upload what they return and fetch what they take.
 */
@EnabledIf(value = "org.taskwire.testing.xrootd.XrootdStorage#answersOrStarts", disabledReason = XrootdStorage.NOT_HERE)
class DataFilesXrootdTest extends DataFilesOverHttp {
  @RegisterExtension
  static final TaskwireExtension taskwire = TaskwireExtension.of(FileStepsTasks::builder).backend("local")
      .set("taskwire.local.workers", "2").set("taskwire.data.url", KEPT);
}
