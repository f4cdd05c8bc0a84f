package org.taskwire.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.taskwire.AsyncMapResult;
import org.taskwire.Outcome;
import org.taskwire.WorkflowRun;
import org.taskwire.testing.slurm.SlurmCluster;

/**
 * A fan-out of trivial calls on Slurm in pilots mode (two pilot JVMs that connect back and serve
 * every call) and in jobs mode (one array task, so one JVM, per call), beside the same fan-out on
 * the local backend: the time to the first and to the last result, the calls per second overall
 * and once the first result is in. Skipped, with a line saying so, where no Slurm answers.
 */
final class SlurmScenarios {
  private SlurmScenarios() {}

  static List<Figure> jobsBesideLocal(Plan plan, Path work, Harness.Log log) {
    if (!SlurmCluster.answers()) {
      log.say("slurm: skipped, no Slurm cluster answers here (.ci/slurm-service starts one)");
      return List.of();
    }
    int calls = plan.slurmCalls();
    List<Figure> figures = new ArrayList<>();
    log.say("slurm_pilots: %,d calls of inc on 2 pilots", calls);
    try (WorkflowRun run = BenchTasks.builder().backend("slurm").set("taskwire.progress", "off")
        .set("taskwire.slurm.mode", "pilots").set("taskwire.slurm.pilots-max", "2")
        .set("taskwire.slurm.poll-interval", "PT1S")
        .set("taskwire.slurm.shared-dir", work.resolve("slurm").toAbsolutePath().toString()).start()) {
      figures.addAll(timed("slurm_pilots", calls, "Slurm pilots mode, at most 2 pilots (one array job), single 2-core node"));
    }
    log.say("slurm_jobs: %,d calls of inc as array tasks", calls);
    try (WorkflowRun run = BenchTasks.builder().backend("slurm").set("taskwire.progress", "off")
        .set("taskwire.slurm.mode", "jobs")
        .set("taskwire.slurm.poll-interval", "PT1S").set("taskwire.slurm.result-grace", "5s")
        .set("taskwire.slurm.shared-dir", work.resolve("slurm").toAbsolutePath().toString()).start()) {
      figures.addAll(timed("slurm_jobs", calls, "Slurm jobs mode, one array job, one JVM per call, single 2-core node"));
    }
    log.say("local_keyed: the same %,d calls on 2 local workers", calls);
    try (WorkflowRun run = LocalScenarios.localRun(2).start()) {
      figures.addAll(timed("local_keyed", calls, "the local backend, 2 worker JVMs started with the run"));
    }
    return figures;
  }

  /** One keyed fan-out of {@code calls}, timed to its first and its last arrival. */
  private static List<Figure> timed(String name, int calls, String what) {
    List<Integer> keys = IntStream.range(0, calls).boxed().toList();
    long t0 = System.nanoTime();
    AsyncMapResult<Integer, Integer> results = BenchTasks.incMapAsync(keys, k -> new BenchTasks.IncArgs(k));
    double first = Double.NaN;
    int arrived = 0;
    for (Map.Entry<Integer, Outcome<Integer>> e : results.asCompleted()) {
      if (arrived++ == 0) {
        first = (System.nanoTime() - t0) / 1e9;
      }
      LocalScenarios.check(e.getValue().succeeded() && e.getValue().value() == e.getKey() + 1,
          name + ": call " + e.getKey() + " failed or returned a wrong value: " + e.getValue());
    }
    double last = (System.nanoTime() - t0) / 1e9;
    return List.of(
        Figure.of(name + "_first_result", first * 1000, "ms", calls, "submission to the first result: " + what),
        Figure.of(name + "_last_result", last * 1000, "ms", calls, "submission to the last of " + calls + " results"),
        Figure.of(name + "_throughput", calls / last, "calls/s", calls, String.format("%,d calls in %.1f s", calls, last)),
        Figure.of(name + "_running_throughput", (calls - 1) / (last - first), "calls/s", calls,
            "from the first result to the last: the rate once workers run"));
  }
}
