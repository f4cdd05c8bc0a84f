package org.taskwire.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.taskwire.testing.slurm.SlurmCluster;

/** The samples with {@code --backend slurm} on a real Slurm, in both modes, as a user would run them. */
@EnabledIf(value = "org.taskwire.testing.slurm.SlurmCluster#answersOrStarts", disabledReason = SlurmCluster.NOT_HERE)
@Timeout(300)
class SlurmSamplesTest {

  private static SampleRun run(String mode, String... sample) {
    List<String> args = new ArrayList<>(List.of(sample));
    args.addAll(List.of("--backend", "slurm", "--set", "taskwire.slurm.mode=" + mode,
        "--set", "taskwire.slurm.poll-interval=PT0.5S",
        "--set", "taskwire.slurm.result-grace=2s",
        "--set", "taskwire.slurm.shared-dir=" + Path.of("target", "slurm").toAbsolutePath()));
    return SampleRun.of(args.toArray(String[]::new));
  }

  /**
   * Rounds of four points the GP needs below 1e-3 with seed 42 (as on the PanDA emulator). The global
   * example in jobs mode is 5 Slurm jobs per point, a JVM each: two rounds show it runs and reports
   * every point there, where the optimum is the study's, checked on pilots and local workers.
   */
  @ParameterizedTest
  @CsvSource({"pilots, hpo, , 5, true, ", "pilots, aid2e, simple, 5, true, ", "pilots, aid2e, two-step, 5, true, ",
      "pilots, aid2e, global, 5, true, ", "jobs, hpo, , 5, true, ", "jobs, aid2e, global, 2, false, inprocess"})
  void theSamplesReachTheirOptimumOnSlurm(String mode, String sample, String example, int iterations, boolean optimum,
      String mergeBackend) throws Exception {
    List<String> args = new ArrayList<>(List.of(sample, "--json", "--trials", String.valueOf(iterations * 4),
        "--parallel", "4"));
    if (example != null) {
      args.addAll(List.of("--example", example));
    }
    if (mergeBackend != null) {
      // The merge beside the optimiser, the simulations as Slurm jobs: one run on two backends.
      args.addAll(List.of("--set", "taskwire.work.merge.backend=" + mergeBackend));
    }
    SampleRun r = run(mode, args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.err()).isZero();
    if (mergeBackend != null) {
      assertThat(r.out() + r.err()).contains("[merge] on [" + mergeBackend + "], the others on slurm");
    }
    List<String> lines = r.out().lines().toList();
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertThat(json.get("evaluations").asInt()).isEqualTo(iterations * 4);
    assertThat(json.get("failures").asInt()).isZero();
    if (!optimum) {
      return;
    }
    assertThat(json.get("best_value").asDouble()).isLessThan(1e-3);
    assertThat(json.get("best_parameters").get("x").asDouble()).isBetween(0.45, 0.55);
    assertThat(json.get("best_parameters").get("y").asDouble()).isBetween(0.45, 0.55);
  }
}
