package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.MapResult;
import org.taskwire.WorkflowRun;
import org.taskwire.testing.e2e.ProbeTasks.SlowSquareArgs;
import org.taskwire.testing.e2e.ProbeTasks.SquareArgs;
import org.taskwire.internal.transport.stomp.EmbeddedBroker;

/** Results over STOMP with real brokers and worker JVMs: nothing lost, nothing doubled. */
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
    assertThat(workerLogs()).as("every result went through the broker").doesNotContain("cannot publish", "directly");
  }

  @Test
  void brokerDownMidRunResultsStillArriveThroughTheRelayAndTheClientReconnects() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(8 << 20);
        WorkflowRun run = ProbeTasks.builder().backend("local").set("taskwire.local.workers", "2")
            .set("taskwire.broker.url", broker.address().toString())
            .set("taskwire.local.log-dir", logs.toString()).start()) {
      assertThat(ProbeTasks.square(3)).isEqualTo(9);
      List<SlowSquareArgs> calls = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        calls.add(new SlowSquareArgs(i, 50));
      }
      CompletableFuture<MapResult<SlowSquareArgs, Integer>> running =
          CompletableFuture.supplyAsync(() -> ProbeTasks.slowSquareMap(calls));
      Thread.sleep(300);
      broker.stop();
      Thread.sleep(1500);
      broker.restart();
      MapResult<SlowSquareArgs, Integer> results = running.get();
      assertThat(results.allSucceeded()).as(results.failures().toString()).isTrue();
      assertThat(results).hasSize(40);
      results.forEach((args, outcome) -> assertThat(outcome.value()).isEqualTo(args.x() * args.x()));
      assertThat(workerLogs()).as("some results took the relay").contains("cannot publish");

      // After the restart, workers publish over STOMP again and the renewed subscription receives it.
      Thread.sleep(1000);
      WorkerLogs.clear(logs);
      assertThat(ProbeTasks.squareMap(List.of(new SquareArgs(5), new SquareArgs(6))).successes()).hasSize(2);
      assertThat(workerLogs()).doesNotContain("cannot publish", "directly");
    }
  }
}
