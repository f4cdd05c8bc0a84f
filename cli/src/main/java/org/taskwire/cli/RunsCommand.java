package org.taskwire.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.taskwire.internal.journal.RunDirectory;
import org.taskwire.internal.journal.RunView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code taskwire runs}: every run, newest first. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "Lists the runs, newest first: workflow, backend, state, start, calls.")
final class RunsCommand implements Callable<Integer> {
  @Mixin Runs runs;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    List<RunView.Summary> views = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    for (Path run : RunDirectory.list(runs.root())) {
      try {
        views.add(RunView.summary(RunDirectory.at(run)));
      } catch (RuntimeException e) {
        unreadable.add(run.getFileName() + ": " + e.getMessage());
      }
    }
    var out = spec.commandLine().getOut();
    if (runs.json) {
      out.println(TaskwireCli.JSON.writeValueAsString(views));
    } else if (views.isEmpty()) {
      out.println("no runs in " + runs.root());
    } else {
      out.printf("%-12s %-16s %-9s %-12s %-20s %8s %8s %8s %8s%n", "RUN", "WORKFLOW", "BACKEND", "STATE", "STARTED",
          "CALLS", "DONE", "FAILED", "PENDING");
      for (RunView.Summary v : views) {
        out.printf("%-12s %-16s %-9s %-12s %-20s %8d %8d %8d %8d%n", v.runId().substring(0, 12), v.workflow(),
            v.backend(), v.state(), v.started().substring(0, Math.min(19, v.started().length())).replace('T', ' '),
            v.calls(), v.succeeded(), v.failed(), v.pending());
      }
    }
    unreadable.forEach(u -> spec.commandLine().getErr().println("taskwire: skipped " + u));
    return 0;
  }
}
