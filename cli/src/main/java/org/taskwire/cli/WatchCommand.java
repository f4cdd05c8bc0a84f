package org.taskwire.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.taskwire.annotations.Walltime;
import org.taskwire.internal.journal.JournalTail;
import org.taskwire.internal.journal.RunDirectory;
import org.taskwire.internal.journal.RunView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code taskwire watch RUN}: progress, from the journal, until the run ends. */
@Command(name = "watch", mixinStandardHelpOptions = true, description = "Follows a run's progress from its journal (from any terminal) until it ends; "
    + "exits 1 if calls failed.")
final class WatchCommand implements Callable<Integer> {
  @Mixin Runs runs;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "RUN", description = "The run: its id, a unique prefix of it, or last.")
  String run;

  @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s",
      description = "How often to read the journal (default: ${DEFAULT-VALUE}).")
  String interval;

  @Override
  public Integer call() throws Exception {
    Duration every = Walltime.parse(interval);
    RunDirectory dir = RunDirectory.find(runs.root(), run);
    PrintWriter out = spec.commandLine().getOut();
    String last = null;
    // Each interval reads the lines written since the last, not the whole journal.
    JournalTail tail = new JournalTail(dir.journal());
    while (true) {
      tail.poll();
      if (tail.run() == null) {
        throw new org.taskwire.ConfigurationException(dir.journal() + " holds no record: the run it belongs to never "
            + "started");
      }
      RunView v = RunView.of(dir, tail.run());
      String line = runs.json ? TaskwireCli.JSON.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(
          new Progress(v.runId(), v.state(), v.calls(), v.succeeded(), v.failed(), v.notRun(), v.waiting(),
              v.pending(), v.steps()))
          : bar(v);
      if (!line.equals(last)) {
        out.println(line);
        last = line;
      }
      if (!"running".equals(v.state())) {
        if (!runs.json) {
          out.println("run " + v.runId() + " is " + v.state() + ("interrupted".equals(v.state())
              ? ": " + v.resumeHint() : v.error() != null ? ": it failed to start: " + v.error() : ""));
        }
        return v.failed() > 0 || v.notRun() > 0 || v.error() != null ? TaskwireCli.FAILED : 0;
      }
      Thread.sleep(every.toMillis());
    }
  }

  /**
   * One progress line, per watch.
   *
   * @param calls every call known so far; more appear as a step's inputs arrive
   * @param waiting of the pending, those waiting for their inputs
   * @param steps the same by step (work)
   */
  record Progress(String runId, String state, int calls, int succeeded, int failed, int notRun, int waiting,
      int pending, java.util.List<RunView.StepView> steps) {}

  private static String bar(RunView v) {
    int width = 30;
    int ended = v.succeeded() + v.failed() + v.notRun();
    int done = v.calls() == 0 ? 0 : (int) ((long) ended * width / v.calls());
    StringBuilder steps = new StringBuilder();
    for (RunView.StepView s : v.steps()) {
      steps.append(steps.length() == 0 ? "; by step: " : ", ").append(s.work()).append(' ')
          .append(s.succeeded() + s.failed() + s.notRun()).append('/').append(s.calls());
      java.util.List<String> parts = new java.util.ArrayList<>();
      for (var c : java.util.List.of(java.util.Map.entry("waiting", s.waiting()), java.util.Map.entry("queued", s.queued()),
          java.util.Map.entry("running", s.running()), java.util.Map.entry("failed", s.failed()),
          java.util.Map.entry("never ran", s.notRun()))) {
        if (c.getValue() > 0) {
          parts.add(c.getValue() + " " + c.getKey());
        }
      }
      if (!parts.isEmpty()) {
        steps.append(" (").append(String.join(", ", parts)).append(')');
      }
    }
    return String.format("%s [%s%s] %d/%d calls known done, %d failed, %d never ran, %d waiting for inputs, "
        + "%d queued or running%s", v.runId().substring(0, 12), "#".repeat(done), ".".repeat(width - done), ended,
        v.calls(), v.failed(), v.notRun(), v.waiting(), v.pending() - v.waiting(), steps);
  }
}
