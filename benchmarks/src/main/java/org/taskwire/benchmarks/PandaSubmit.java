package org.taskwire.benchmarks;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.taskwire.WorkflowRun;
import org.taskwire.testing.panda.PandaEmulator;

/**
 * panda_submit: the client's side of one large fan-out on PanDA — encoding the calls, naming
 * their pseudo files, building the task parameters and the {@code task/submit} round trip —
 * against the emulator with no pilots, so nothing runs. The sandbox is published by a small
 * fan-out first, as it is once per run.
 */
final class PandaSubmit {
  private PandaSubmit() {}

  static Figure run(Plan plan, Path work, Harness.Log log) throws Exception {
    try (PandaEmulator emulator = PandaEmulator.start(PandaEmulator.Settings.defaults(work.resolve("panda")).withPilots(0))) {
      WorkflowRun.Builder builder = BenchTasks.builder()
          .backend("panda")
          .set("taskwire.panda.url", emulator.url().toString())
          .set("taskwire.panda.auth", "none")
          .set("taskwire.panda.poll-interval", "PT60S")
          .set("taskwire.sandbox.cache-dir", work.resolve("panda-sandboxes").toString())
          .set("taskwire.progress", "off");
      try (WorkflowRun run = builder.start()) {
        fanOutInBackground(0, 10);
        awaitTasks(emulator, 1);
        log.say("panda_submit: one fan-out of %,d calls", plan.pandaCalls());
        long t0 = System.nanoTime();
        fanOutInBackground(1_000_000, plan.pandaCalls());
        awaitTasks(emulator, 2);
        double ms = (System.nanoTime() - t0) / 1e6;
        long id = emulator.taskIds().get(1);
        Object files = emulator.taskParameters(id).get("nFiles");
        return Figure.of("panda_submit", ms, "ms", plan.pandaCalls(), String.format(
            "incMap of %,d calls to the emulator's task/submit (sandbox already in the cache; task %d, nFiles %s)",
            plan.pandaCalls(), id, files));
      }
    }
  }

  /** submitAll blocks until results arrive, which they never do here; closing the run ends it. */
  private static void fanOutInBackground(int offset, int calls) {
    List<BenchTasks.IncArgs> args = IntStream.range(offset, offset + calls).mapToObj(BenchTasks.IncArgs::new).toList();
    Thread t = new Thread(() -> BenchTasks.incMap(args), "panda-fanout-" + offset);
    t.setDaemon(true);
    t.start();
  }

  private static void awaitTasks(PandaEmulator emulator, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (emulator.taskIds().size() < count) {
      LocalScenarios.check(System.nanoTime() < deadline, "the emulator never received task " + count);
      Thread.sleep(1);
    }
  }
}
