package org.taskwire.testing.e2e;

import org.taskwire.WorkFailedException;
import org.taskwire.WorkflowRun;

/**
 * A client JVM for {@link SlurmJobsTest}: calls {@code exitAfter(7, 8 s)}, whose worker ends
 * without a result, and prints how the call failed. Takes {@link ClientToResume}'s arguments (counts, results
 * file, n and millis unused), so that a test can kill it and resume its run.
 */
public final class ClientOfAnExit {
  private ClientOfAnExit() {}

  public static void main(String[] args) {
    try (WorkflowRun run = ClientToResume.configured(ProbeTasks.builder(), args).start()) {
      System.out.println("run " + run.runId());
      System.out.println("value " + ProbeTasks.exitAfter(7, 8_000));
    } catch (WorkFailedException e) {
      System.out.println("failed " + e.kind() + ": " + e.getMessage());
    }
  }
}
