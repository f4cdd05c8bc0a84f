package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.MapResult;
import org.taskwire.WorkflowRun;
import org.taskwire.testing.e2e.ProbeTasks.SlowSquareArgs;
import org.taskwire.internal.transport.stomp.EmbeddedBroker;

/** Brokers that stop mid-run or never answer, with real worker JVMs: nothing is lost, the run goes on. */
@Timeout(180)
class BrokerOutageTest {
  @TempDir Path logs;

  private static int deadPort() throws Exception {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  private static List<SlowSquareArgs> calls(int n, long millis) {
    return IntStream.range(0, n).mapToObj(i -> new SlowSquareArgs(i, millis)).toList();
  }

  private static void assertComplete(MapResult<SlowSquareArgs, Integer> results, int n) {
    assertThat(results.failures()).isEmpty();
    assertThat(results).hasSize(n);
    results.forEach((args, outcome) -> assertThat(outcome.value()).isEqualTo(args.x() * args.x()));
  }

  @Test
  void aTenSecondBrokerOutageInAThousandCallFanOutLosesNothing() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(8 << 20);
        WorkflowRun run = ProbeTasks.builder().backend("local").set("taskwire.local.workers", "2")
            .set("taskwire.broker.url", broker.address().toString())
            .set("taskwire.local.log-dir", logs.toString()).start()) {
      ProbeTasks.square(1);
      long b0 = System.nanoTime();
      assertComplete(ProbeTasks.slowSquareMap(calls(1000, 8).stream()
          .map(a -> new SlowSquareArgs(a.x() + 1000, a.millis())).toList()), 1000);
      long baseline = System.nanoTime() - b0;
      CountDownLatch stopped = new CountDownLatch(1);
      CompletableFuture<Void> outage = CompletableFuture.runAsync(() -> {
        try {
          Thread.sleep(1000);
          broker.stop();
          stopped.countDown();
          Thread.sleep(10_000);
          broker.restart();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      long t0 = System.nanoTime();
      MapResult<SlowSquareArgs, Integer> results = ProbeTasks.slowSquareMap(calls(1000, 8));
      long took = System.nanoTime() - t0;
      outage.get(60, TimeUnit.SECONDS);
      assertThat(stopped.getCount()).as("the broker was stopped mid fan-out").isZero();
      assertComplete(results, 1000);
      System.out.printf("broker outage: 1000 calls in %.1f s with a 10 s outage, %.1f s without%n", took / 1e9,
          baseline / 1e9);
    }
  }

  @Test
  void noBrokerAnsweringIsNoReasonToFailTheRunResultsTakeTheRelay() throws Exception {
    try (WorkflowRun run = ProbeTasks.builder().backend("local").set("taskwire.local.workers", "2")
        .set("taskwire.broker.url", "stomp://127.0.0.1:" + deadPort())
        .set("taskwire.local.log-dir", logs.toString()).start()) {
      assertComplete(ProbeTasks.slowSquareMap(calls(300, 1)), 300);
    }
    String said = WorkerLogs.read(logs);
    assertThat(said).contains("results go to the relay");
    assertThat(said.split("results go to the relay", -1).length - 1)
        .as("one warning per worker, not one per result").isLessThanOrEqualTo(2);
  }

  @Test
  void oneDeadBrokerOfTwoIsWarnedAboutAndTheOtherCarriesTheResults() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(8 << 20);
        WorkflowRun run = ProbeTasks.builder().backend("local").set("taskwire.local.workers", "2")
            .set("taskwire.broker.url", "stomp://127.0.0.1:" + deadPort() + "," + broker.address())
            .set("taskwire.local.log-dir", logs.toString()).start()) {
      assertComplete(ProbeTasks.slowSquareMap(calls(200, 1)), 200);
    }
  }
}
