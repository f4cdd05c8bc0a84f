package org.taskwire.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.taskwire.MapResult;
import org.taskwire.WorkflowRun;

/**
 * What durable runs cost: the 10k fan-out with the journal on and off, and taking up a run whose
 * journal holds many finished calls.
 */
final class JournalScenarios {
  private JournalScenarios() {}

  /**
   * fanout_journal_on and fanout_journal_off: the 10k fan-out on 2 local workers, each with its
   * own warm-up, journaling to {@code runs} or not at all.
   */
  static List<Figure> fanoutOnAndOff(Plan plan, Path runs, Harness.Log log) {
    List<Figure> figures = new ArrayList<>();
    // Alternating, the best of two each: the JIT and the page cache favour neither.
    double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
    for (int round = 0; round < 4; round++) {
      boolean on = round % 2 == 1;
      try (WorkflowRun run = LocalScenarios.localRun(2).set("taskwire.journal", Boolean.toString(on))
          .set("taskwire.runs-dir", runs.toString()).start()) {
        LocalScenarios.fanout(plan.warmupCalls(), 0);
        log.say("fanout_journal_%s: %,d calls", on ? "on" : "off", plan.smallFanout());
        double seconds = LocalScenarios.fanout(plan.smallFanout(), 1_000_000);
        best[on ? 0 : 1] = Math.min(best[on ? 0 : 1], seconds);
      }
    }
    double slower = (best[0] / best[1] - 1) * 100;
    figures.add(Figure.of("fanout_journal_on", plan.smallFanout() / best[0], "calls/s", plan.smallFanout(),
        String.format("the 10k fan-out journaled (group commit), best of 2: %.2f s, %+.1f %% against journal off",
            best[0], slower)));
    figures.add(Figure.of("fanout_journal_off", plan.smallFanout() / best[1], "calls/s", plan.smallFanout(),
        String.format("the 10k fan-out with taskwire.journal=false, best of 2: %.2f s", best[1])));
    return figures;
  }

  /**
   * resume_finished: resuming a run whose journal holds {@code largeFanout} finished calls and
   * making the same fan-out again, which returns every recorded result and runs nothing.
   */
  static Figure resumeFinished(Plan plan, Path runs, Harness.Log log) {
    int calls = plan.largeFanout();
    List<BenchTasks.IncArgs> args = IntStream.range(0, calls).mapToObj(BenchTasks.IncArgs::new).toList();
    String id;
    try (WorkflowRun run = BenchTasks.builder().backend("inprocess").set("taskwire.progress", "off")
        .set("taskwire.runs-dir", runs.toString()).start()) {
      id = run.runId();
      log.say("resume_finished: recording %,d calls", calls);
      check(BenchTasks.incMap(args).successes().size() == calls, "the recorded run failed calls");
    }
    log.say("resume_finished: resuming them");
    long t0 = System.nanoTime();
    MapResult<BenchTasks.IncArgs, Integer> again;
    try (WorkflowRun run = BenchTasks.builder().backend("inprocess").set("taskwire.progress", "off")
        .set("taskwire.runs-dir", runs.toString()).resume(id).start()) {
      again = BenchTasks.incMap(args);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    check(again.successes().size() == calls && again.successes().entrySet().stream()
        .allMatch(e -> e.getValue() == e.getKey().x() + 1), "the resumed run's results are wrong");
    return Figure.of("resume_finished", seconds * 1000, "ms", calls, String.format(
        "open, read and replay a journal of %,d finished calls, and return them all from it (in-process backend)",
        calls));
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }
}
