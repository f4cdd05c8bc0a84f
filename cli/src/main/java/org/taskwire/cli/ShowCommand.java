package org.taskwire.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.taskwire.internal.journal.RunDirectory;
import org.taskwire.internal.journal.RunView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code taskwire show RUN}: a run's tasks and its failures. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Shows a run: its calls by step (waiting for inputs, queued, running, succeeded, failed, never run), "
    + "the files each step kept and where, the datasets they were registered in, and each failed call with its error, "
    + "attempt and log.")
final class ShowCommand implements Callable<Integer> {
  @Mixin Runs runs;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "RUN", description = "The run: its id, a unique prefix of it, or last.")
  String run;

  @picocli.CommandLine.Option(names = "--tasks",
      description = "Also list each task (proxy invocation) with its backend handles.")
  boolean tasks;

  @Override
  public Integer call() throws Exception {
    RunView v = RunView.of(RunDirectory.find(runs.root(), run).path());
    PrintWriter out = spec.commandLine().getOut();
    if (runs.json) {
      out.println(TaskwireCli.JSON.writeValueAsString(v));
      return 0;
    }
    print(out, v, tasks);
    return 0;
  }

  static void print(PrintWriter out, RunView v, boolean withTasks) {
    out.printf("run %s: %s (%s) on %s, %s%s, started %s%n", v.runId(), v.workflow(), v.workflowClass(), v.backend(),
        v.state(), v.pid() == null ? "" : " in pid " + v.pid(), v.started());
    if (v.error() != null) {
      out.printf("it failed to start: %s%n", v.error());
    }
    if ("interrupted".equals(v.state())) {
      out.printf("%s%n", v.resumeHint());
    }
    out.printf("calls: %d known: %s%n", v.calls(), counts(v.succeeded(), v.failed(), v.notRun(), v.waiting(),
        v.pending() - v.waiting(), -1));
    if (!v.steps().isEmpty()) {
      out.println("steps:");
      int width = v.steps().stream().mapToInt(s -> s.work().length()).max().orElse(4);
      for (RunView.StepView s : v.steps()) {
        out.printf("  %-" + width + "s %6d calls: %s%n", s.work(), s.calls(),
            counts(s.succeeded(), s.failed(), s.notRun(), s.waiting(), s.queued(), s.running()));
      }
    }
    if (!v.files().isEmpty()) {
      out.println("files:");
      int width = v.files().stream().mapToInt(f -> f.work().length()).max().orElse(4);
      for (RunView.FilesView f : v.files()) {
        out.printf("  %-" + width + "s %6d files, %s, in %s%n", f.work(), f.files(), bytes(f.bytes()),
            String.join(", ", f.where()));
      }
    }
    if (!v.datasets().isEmpty()) {
      out.println("datasets:");
      for (RunView.DatasetView d : v.datasets()) {
        out.printf("  %s (%s) on %s at %s, %s: %d files, %s%n", d.did(), d.work(), d.rse(), d.rucio(), d.state(),
            d.files(), bytes(d.bytes()));
      }
    }
    if (withTasks) {
      out.println("tasks:");
      for (RunView.TaskView t : v.tasks()) {
        out.printf("  task %d %s: %d calls, %d succeeded, %d failed, %d pending%s%n", t.task(), t.work(), t.calls(),
            t.succeeded(), t.failed(), t.pending(), t.handles().isEmpty() ? "" : " (" + String.join(", ", t.handles()) + ")");
      }
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

  /** A size for people, in powers of 1024 as {@code taskwire.data.max-file-size} takes them. */
  static String bytes(long n) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? n + " B" : String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /**
   * The non-zero counts, e.g. {@code 35 succeeded, 1 never ran (an input failed)}; {@code running}
   * below zero joins queued and running as pending.
   */
  private static String counts(int succeeded, int failed, int notRun, int waiting, int queued, int running) {
    java.util.List<String> parts = new java.util.ArrayList<>();
    add(parts, succeeded, "succeeded");
    add(parts, failed, "failed");
    add(parts, notRun, "never ran (an input failed)");
    add(parts, waiting, "waiting for inputs");
    if (running < 0) {
      add(parts, queued, "queued or running");
    } else {
      add(parts, queued, "queued");
      add(parts, running, "running");
    }
    return parts.isEmpty() ? "none" : String.join(", ", parts);
  }

  private static void add(java.util.List<String> parts, int n, String what) {
    if (n > 0) {
      parts.add(n + " " + what);
    }
  }
}
