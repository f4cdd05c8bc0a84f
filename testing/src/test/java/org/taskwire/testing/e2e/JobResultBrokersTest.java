package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.MapResult;
import org.taskwire.WorkflowRun;
import org.taskwire.internal.transport.stomp.EmbeddedBroker;
import org.taskwire.testing.e2e.ProbeTasks.SlowSquareArgs;

/**
 * Grid jobs send their results through brokers (and the client's relay): the jobs of the PanDA
 * emulator, each in its own JVM, publish to real brokers that stop mid-run, never answer, or are one
 * of two. Nothing is lost and the run goes on. Local workers and pilots answer on their own
 * channel and use no broker; these are the jobs that have no such channel.
 */
@Timeout(240)
class JobResultBrokersTest {
  @TempDir static Path root;
  private static EmulatedPanda panda;

  @BeforeAll
  static void startEmulator() throws Exception {
    panda = EmulatedPanda.start(root);
  }

  @AfterAll
  static void stopEmulator() {
    panda.close();
  }

  static WorkflowRun.Builder panda(String brokers) {
    return panda.run().set("taskwire.broker.url", brokers);
  }

  private static int deadPort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  private static List<SlowSquareArgs> calls(int first, int n, long millis) {
    return IntStream.range(first, first + n).mapToObj(i -> new SlowSquareArgs(i, millis)).toList();
  }

  private static void assertComplete(MapResult<SlowSquareArgs, Integer> results, int n) {
    assertThat(results.failures()).isEmpty();
    assertThat(results).hasSize(n);
    results.forEach((args, outcome) -> assertThat(outcome.value()).isEqualTo(args.x() * args.x()));
  }

  /** The logs of the emulator's jobs that ended (a job's directory is emptied as it ends, its log kept). */
  static List<Path> jobLogFiles(Path emulatorRoot) throws IOException {
    Path jobs = emulatorRoot.resolve("jobs");
    if (!Files.isDirectory(jobs)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(jobs)) {
      return dirs.map(d -> d.resolve("payload.stdout")).filter(Files::isRegularFile).toList();
    }
  }

  /** What the emulator's jobs printed, every job's log concatenated. */
  static String jobLogs(Path emulatorRoot) throws IOException {
    StringBuilder all = new StringBuilder();
    for (Path f : jobLogFiles(emulatorRoot)) {
      try {
        all.append(Files.readString(f));
      } catch (java.nio.file.NoSuchFileException e) {
        // a job directory being emptied
      }
    }
    return all.toString();
  }

  private static String jobLogs() throws IOException {
    return jobLogs(panda.files());
  }

  @Test
  void aTenSecondBrokerOutageMidRunLosesNothingAndResultsTakeTheRelay() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(8 << 20);
        WorkflowRun run = panda(broker.address().toString()).start()) {
      CountDownLatch stopped = new CountDownLatch(1);
      CompletableFuture<MapResult<SlowSquareArgs, Integer>> running =
          CompletableFuture.supplyAsync(() -> ProbeTasks.slowSquareMap(calls(0, 16, 200)));
      // The outage starts once jobs run: the first two have ended.
      int before = jobLogFiles(panda.files()).size();
      CompletableFuture<Void> outage = CompletableFuture.runAsync(() -> {
        try {
          while (jobLogFiles(panda.files()).size() < before + 2) {
            Thread.sleep(50);
          }
          broker.stop();
          stopped.countDown();
          Thread.sleep(10_000);
          broker.restart();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      MapResult<SlowSquareArgs, Integer> results = running.get(180, TimeUnit.SECONDS);
      outage.get(60, TimeUnit.SECONDS);
      assertThat(stopped.getCount()).as("the broker was stopped mid-run").isZero();
      assertComplete(results, 16);
      assertThat(jobLogs()).as("jobs whose broker was down sent their results to the relay").contains("cannot publish");
      // After the restart, the renewed subscription receives what jobs publish again.
      assertComplete(ProbeTasks.slowSquareMap(calls(100, 4, 1)), 4);
    }
  }

  @Test
  void noBrokerAnsweringIsNoReasonToFailTheRunResultsTakeTheRelay() throws Exception {
    try (WorkflowRun run = panda("stomp://127.0.0.1:" + deadPort()).start()) {
      assertComplete(ProbeTasks.slowSquareMap(calls(0, 6, 1)), 6);
    }
    assertThat(jobLogs()).contains("results go to the relay");
  }

  @Test
  void oneDeadBrokerOfTwoIsWarnedAboutAndTheOtherCarriesTheResults() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(8 << 20);
        WorkflowRun run = panda("stomp://127.0.0.1:" + deadPort() + "," + broker.address()).start()) {
      assertComplete(ProbeTasks.slowSquareMap(calls(0, 6, 1)), 6);
    }
  }
}
