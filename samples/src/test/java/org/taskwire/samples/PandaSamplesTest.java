package org.taskwire.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.testing.panda.PandaEmulator;

/** The samples with {@code --backend panda} against the PanDA emulator, as a user would try them. */
@Timeout(300)
class PandaSamplesTest {
  @TempDir static Path root;
  private static PandaEmulator emulator;

  @BeforeAll
  static void start() throws Exception {
    emulator = PandaEmulator.start(PandaEmulator.Settings.defaults(root.resolve("panda")));
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  private static SampleRun run(String... sample) {
    List<String> args = new ArrayList<>(List.of(sample));
    args.addAll(List.of("--backend", "panda", "--set", "taskwire.panda.url=" + emulator.url(),
        "--set", "taskwire.panda.auth=none", "--set", "taskwire.panda.poll-interval=PT0.5S",
        "--set", "taskwire.sandbox.cache-dir=" + root.resolve("sandboxes")));
    return SampleRun.of(args.toArray(String[]::new));
  }

  @Test
  void helloRunsAsPandaJobs() {
    SampleRun r = run("hello");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("backend: panda", "Hello, world, from process", "Barbara -> Hello, Barbara");
    assertThat(emulator.taskIds()).isNotEmpty();
  }

  /**
   * Rounds of four design points the GP needs to get below 1e-3 with seed 42, whatever order the
   * results come back in. The global example's jobs are five per design point, a JVM each on the
   * emulator's two pilots: two rounds show its tasks and that every point is reported; its optimum
   * is the study's, checked on local workers and Slurm pilots. There the merge runs in-process,
   * beside the optimiser, as the tutorial's {@code final} step runs on JobLib: one grid task per
   * design point.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"simple, 5, true", "two-step, 5, true", "global, 2, false"})
  @Timeout(600)
  void aid2eExamplesReachTheTutorialsOptimumOnPanda(String example, int iterations, boolean optimum) throws Exception {
    int before = emulator.taskIds().size();
    List<String> args = new ArrayList<>(List.of("aid2e", "--example", example, "--json", "--trials",
        String.valueOf(iterations * 4), "--parallel", "4"));
    if (example.equals("global")) {
      args.addAll(List.of("--set", "taskwire.work.merge.backend=inprocess"));
    }
    SampleRun r = run(args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    var json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertThat(json.get("evaluations").asInt()).isEqualTo(iterations * 4);
    assertThat(json.get("failures").asInt()).isZero();
    if (optimum) {
      assertThat(json.get("best_value").asDouble()).isLessThan(1e-3);
      assertThat(json.get("best_parameters").get("x").asDouble()).isBetween(0.45, 0.55);
      assertThat(json.get("best_parameters").get("y").asDouble()).isBetween(0.45, 0.55);
    }
    int tasks = emulator.taskIds().size() - before;
    if (example.equals("global")) {
      // Each design point's four simulations are one task; its merge runs in the client's JVM.
      assertThat(r.out() + r.err()).contains("[merge] on [inprocess], the others on panda");
      assertThat(tasks).isEqualTo(iterations * 4);
    }
  }

  @Test
  void hpoRunsAsOnePandaTaskPerPoint() throws Exception {
    int before = emulator.taskIds().size();
    SampleRun r = run("hpo", "--json", "--trials", "12", "--parallel", "4");
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    var json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertThat(json.get("evaluations").asInt()).isEqualTo(12);
    assertThat(json.get("best_value").asDouble()).isLessThan(0.5);
    assertThat(emulator.taskIds().size() - before).as("one task per point").isEqualTo(12);
  }
}
