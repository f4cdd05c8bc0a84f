package org.taskwire.testing.e2e;

import org.taskwire.WorkflowRun;

/** A client JVM for {@link LocalFaultsTest}: starts a call that sleeps, for the test to kill this JVM under it. */
public final class ClientToKill {
  private ClientToKill() {}

  public static void main(String[] args) throws Exception {
    try (WorkflowRun run = ProbeTasks.builder().backend("local").set("taskwire.local.workers", "1")
        .set("taskwire.local.log-dir", args[1]).start()) {
      ProbeTasks.sleepOnce(args[0], 600_000);
    }
  }
}
