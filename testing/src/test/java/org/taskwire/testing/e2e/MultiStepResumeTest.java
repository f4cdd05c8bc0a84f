package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.internal.journal.RecordedRun;

/**
 * A three-step run (one-to-one, then all-to-one) whose client is killed with {@code kill -9} while
 * both fan-outs run, resumed by a new JVM: no call of either step that had finished runs again.
 */
@Timeout(300)
class MultiStepResumeTest {
  @TempDir Path dir;

  /** Executions per step and x: each leaves a file {@code <step>-<x>-<uuid>}. */
  private static Map<String, Integer> executions(Path counts) throws IOException {
    Map<String, Integer> runs = new HashMap<>();
    try (Stream<Path> all = Files.list(counts)) {
      all.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".tmp"))
          .forEach(n -> runs.merge(n.substring(0, n.indexOf('-', 2)), 1, Integer::sum));
    }
    return runs;
  }

  /** The steps and x of the calls the journal saw succeed: results are JSON numbers that name x. */
  private static Set<String> finished(RecordedRun run) {
    Set<String> done = new HashSet<>();
    for (RecordedRun.Call call : run.calls()) {
      if (call.success() == null) {
        continue;
      }
      String work = call.declared().work();
      double value = Double.parseDouble(new String(call.success().result(), StandardCharsets.UTF_8));
      if (work.endsWith("#stepA")) {
        done.add("a-" + (long) value);
      } else if (work.endsWith("#stepB")) {
        done.add("b-" + (long) (value - 1_000_000));
        assertThat(call.declared().dependsOn()).as("a step-two call names its input").hasSize(1);
      }
    }
    return done;
  }

  @Test
  void aKilledMultiStepRunIsResumedWithoutRunningFinishedStepsAgain() throws Exception {
    killAndResume("taskwire.backend=local", "taskwire.local.workers=2", "taskwire.progress=off");
  }

  /**
   * The same with two backends in one run: step one on local workers, steps two and three
   * in-process, as a cheap merge runs beside the optimiser while simulations run elsewhere.
   */
  @Test
  void aKilledRunOnTwoBackendsIsResumedWithoutRunningFinishedStepsAgain() throws Exception {
    RecordedRun resumed = killAndResume("taskwire.backend=local", "taskwire.local.workers=2", "taskwire.progress=off",
        "taskwire.work.stepB.backend=inprocess", "taskwire.work.sum.backend=inprocess");
    for (RecordedRun.Call call : resumed.calls()) {
      // Local workers record where each call went; the in-process backend has no handle to record.
      assertThat(call.submissions().isEmpty()).as("%s ran in-process", call.declared().work())
          .isEqualTo(!call.declared().work().endsWith("#stepA"));
    }
  }

  private RecordedRun killAndResume(String... local) throws Exception {
    Path runs = dir.resolve("runs");
    Path counts = Files.createDirectories(dir.resolve("counts"));
    int n = 200;
    Process first = MultiStepClient.start(dir, runs, counts, "-", n, 20, "first", local);
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (ResumeTest.recorded(runs, "call-succeeded") < n + 50) {
        assertThat(first.isAlive()).as("the first client is still running; it said: %s",
            Files.readString(dir.resolve("first.out"))).isTrue();
        assertThat(System.nanoTime()).as("%d calls done within 2 minutes", n + 50).isLessThan(deadline);
        Thread.sleep(20);
      }
    } finally {
      first.destroyForcibly().waitFor();
    }
    Path journal = ResumeTest.onlyRun(runs).resolve("journal.jsonl");
    Set<String> finishedBefore = finished(RecordedRun.read(journal));
    assertThat(finishedBefore).as("killed with calls of both steps done")
        .anyMatch(s -> s.startsWith("a-")).anyMatch(s -> s.startsWith("b-")).hasSizeLessThan(2 * n);

    Process second = MultiStepClient.start(dir, runs, counts, "last", n, 20, "second", local);
    assertThat(second.waitFor()).as("the second client said: %s", Files.readString(dir.resolve("second.out")))
        .isZero();
    assertThat(Files.readString(dir.resolve("second.out"))).as("every call ended before the run closed")
        .doesNotContain("calls outstanding", "waiting for their inputs", "RUN_CLOSED");
    double expected = 0;
    for (int x = 0; x < n; x++) {
      expected += x + 1_000_000;
    }
    assertThat(Double.parseDouble(Files.readString(dir.resolve("second.txt")))).isEqualTo(expected);
    Map<String, Integer> executions = executions(counts);
    for (String step : List.of("a", "b")) {
      for (int x = 0; x < n; x++) {
        String call = step + "-" + x;
        int times = executions.getOrDefault(call, 0);
        if (finishedBefore.contains(call)) {
          assertThat(times).as("%s had finished before the kill: it must not run again", call).isEqualTo(1);
        } else {
          assertThat(times).as("%s ran", call).isBetween(1, 2);
        }
      }
    }
    RecordedRun resumed = RecordedRun.read(journal);
    assertThat(resumed.calls()).hasSize(2 * n + 1).allMatch(c -> c.success() != null);
    assertThat(resumed.closed()).isNotNull();
    return resumed;
  }
}
