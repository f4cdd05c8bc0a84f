package org.taskwire.testing.e2e;

import org.taskwire.annotations.Work;
import org.taskwire.annotations.Workflow;

/** Version 1 of a workflow; a test compiles a version 2 whose work returns another type. */
@Workflow(name = "versioned", maxAttempts = 1)
public final class Versioned {
  private Versioned() {}

  @Work
  static Double value() {
    return 1.5;
  }
}
