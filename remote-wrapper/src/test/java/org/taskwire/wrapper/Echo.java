package org.taskwire.wrapper;

import org.taskwire.annotations.Work;
import org.taskwire.annotations.Workflow;

/** A tiny workflow for the wrapper's own tests. */
@Workflow(name = "echo")
public final class Echo {
  private Echo() {}

  @Work
  static String shout(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("nothing to shout");
    }
    return text.toUpperCase();
  }
}
