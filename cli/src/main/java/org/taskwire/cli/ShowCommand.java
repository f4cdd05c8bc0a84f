package org.taskwire.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.taskwire.internal.journal.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code taskwire show RUN}: a run's tasks and its failures. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Shows a run: its tasks, and each failed call with its error, attempt and log.")
final class ShowCommand implements Callable<Integer> {
  @Mixin Runs runs;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "RUN", description = "The run: its id, a unique prefix of it, or last.")
  String run;

  @Override
  public Integer call() throws Exception {
    RunView v = RunView.of(RunDirectory.find(runs.root(), run).path());
    PrintWriter out = spec.commandLine().getOut();
    if (runs.json) {
      out.println(TaskwireCli.JSON.writeValueAsString(v));
      return 0;
    }
    print(out, v);
    return 0;
  }

  static void print(PrintWriter out, RunView v) {
    out.printf("run %s: %s (%s) on %s, %s%s, started %s%n", v.runId(), v.workflow(), v.workflowClass(), v.backend(),
        v.state(), v.pid() == null ? "" : " in pid " + v.pid(), v.started());
    out.printf("calls: %d, succeeded %d, failed %d, pending %d%n", v.calls(), v.succeeded(), v.failed(), v.pending());
    for (RunView.TaskView t : v.tasks()) {
      out.printf("  task %d %s: %d calls, %d succeeded, %d failed, %d pending%s%n", t.task(), t.work(), t.calls(),
          t.succeeded(), t.failed(), t.pending(), t.handles().isEmpty() ? "" : " (" + String.join(", ", t.handles()) + ")");
    }
    if (!v.failures().isEmpty()) {
      out.println("failures:");
      for (RunView.FailureView f : v.failures()) {
        out.printf("  call %d %s, attempt %d: %s: %s%n", f.callId(), f.work(), f.attempt(), f.kind(), f.message());
        if (f.backendDetail() != null) {
          out.printf("    %s%n", f.backendDetail());
        }
        if (f.logLocation() != null) {
          out.printf("    log: %s%n", f.logLocation());
        }
      }
    }
  }
}
