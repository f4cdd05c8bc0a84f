package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.MapResult;
import org.taskwire.WorkflowRun;
import org.taskwire.testing.e2e.ProbeTasks.SquareArgs;

/** Results of real worker JVMs on their own channel: nothing lost, nothing doubled. */
@Timeout(180)
class ResultDeliveryTest {
  @TempDir Path logs;

  private String workerLogs() throws IOException {
    return WorkerLogs.read(logs);
  }

  @Test
  void fanOutOfAThousandReturnsEachResultOnceAlignedWithItsInput() throws IOException {
    try (WorkflowRun run = ProbeTasks.builder().backend("local").set("taskwire.local.workers", "2")
        .set("taskwire.local.log-dir", logs.toString()).start()) {
      List<SquareArgs> calls = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        calls.add(new SquareArgs(i));
      }
      MapResult<SquareArgs, Integer> results = ProbeTasks.squareMap(calls);
      assertThat(results).hasSize(1000);
      assertThat(results.allSucceeded()).isTrue();
      assertThat(new ArrayList<>(results.keySet())).isEqualTo(calls);
      results.forEach((args, outcome) -> assertThat(outcome.value()).isEqualTo(args.x() * args.x()));
    }
    assertThat(workerLogs()).as("local workers answer on their pipes: no broker, no relay")
        .doesNotContain("publish", "relay", "broker");
  }
}
