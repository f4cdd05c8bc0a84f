package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.AsyncMapResult;
import org.taskwire.AsyncResult;
import org.taskwire.In;
import org.taskwire.WorkflowRun;
import org.taskwire.testing.e2e.StepsTasks.RecoIn;
import org.taskwire.testing.e2e.StepsTasks.SimArgs;
import org.taskwire.testing.panda.PandaEmulator;

/**
 * Issue 25's DAG on the PanDA emulator with the default step window, narrowed to 3 keys so that its
 * 21 grid jobs fit CI: 3 design points, each 3 sims, 3 one-to-one recos and a merge. Each child
 * became ready at its own moment and was a task of its own (15 tasks here, 42 with 12 keys); the
 * window makes each step of a design point one task.
 */
@Timeout(300)
class PandaStepTasksTest {
  @TempDir Path dir;

  @Test
  void eachStepOfADesignPointIsOneTask() throws Exception {
    try (PandaEmulator emulator = PandaEmulator.start(PandaEmulator.Settings.defaults(dir.resolve("panda"))
        .withTokens(Map.of(MultiStepPandaTest.TOKEN, "Alice Smith")))) {
      WorkflowRun.Builder builder = StepsTasks.builder().backend("panda")
          .set("taskwire.runs-dir", dir.resolve("runs").toString())
          .set("taskwire.panda.url", emulator.url().toString()).set("taskwire.panda.auth", "oidc")
          .set("taskwire.panda.vo", "wlcg").set("taskwire.panda.id-token", MultiStepPandaTest.TOKEN)
          .set("taskwire.panda.poll-interval", "PT0.3S").set("taskwire.panda.result-grace", "1s")
          .set("taskwire.sandbox.cache-dir", dir.resolve("sandboxes").toString());
      String journal = dir.resolve("journal.txt").toString();
      List<Integer> keys = IntStream.rangeClosed(1, 3).boxed().toList();
      try (WorkflowRun run = builder.start()) {
        List<AsyncResult<Integer>> merges = new ArrayList<>();
        for (int design = 1; design <= 3; design++) {
          int d = design;
          AsyncMapResult<Integer, String> sims = StepsTasks.simMapAsync(keys, k -> new SimArgs(d, k, journal, 0));
          AsyncMapResult<Integer, String> recos = StepsTasks.recoMapAsync(keys,
              k -> new RecoIn(In.of(d), In.of(k), sims.at(k), In.of(journal), In.of(0L)));
          merges.add(StepsTasks.countAsync(recos.values()));
        }
        for (AsyncResult<Integer> merge : merges) {
          assertThat(merge.await()).isEqualTo(3);
        }
      }
      List<Long> tasks = emulator.taskIds();
      Map<String, Long> byWork = new java.util.TreeMap<>();
      for (long task : tasks) {
        String cli = String.valueOf(emulator.taskParameters(task).get("cliParams"));
        byWork.merge(cli.substring(cli.lastIndexOf('#') + 1), 1L, Long::sum);
      }
      // A step's calls ready within one window go as one task, across design points too.
      assertThat(byWork).as("tasks by work").containsEntry("sim", 3L).containsOnlyKeys("sim", "reco", "count");
      assertThat(byWork.get("reco")).as("reco tasks").isBetween(1L, 3L);
      assertThat(byWork.get("count")).as("merge tasks").isBetween(1L, 3L);
    }
  }
}
