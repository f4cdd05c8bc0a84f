package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.MapResult;
import org.taskwire.WorkflowRun;
import org.taskwire.testing.e2e.ProbeTasks.SquareArgs;

/**
 * Grid jobs (the PanDA emulator's) sending their results through Debian's ActiveMQ service (STOMP on
 * 127.0.0.1:61613), which {@code .ci/run} installs and starts. In CI the service must be there; elsewhere the test is
 * skipped when it is not.
 */
@Timeout(180)
class DebianActiveMqTest {
  private static final String BROKER = "stomp://127.0.0.1:61613";
  @TempDir Path logs;

  private static boolean reachable() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", 61613), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void gridJobsSendTheirResultsThroughTheDebianBroker() throws Exception {
    boolean ci = "true".equals(System.getenv("CI"));
    if (ci) {
      assertThat(reachable()).as("CI starts Debian's ActiveMQ with STOMP on 127.0.0.1:61613").isTrue();
    } else {
      assumeTrue(reachable(), "no ActiveMQ service on 127.0.0.1:61613 (run .ci/activemq-service)");
    }
    try (EmulatedPanda panda = EmulatedPanda.start(logs);
        WorkflowRun run = panda.run().set("taskwire.broker.url", BROKER).start()) {
      List<SquareArgs> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(new SquareArgs(i));
      }
      MapResult<SquareArgs, Integer> results = ProbeTasks.squareMap(calls);
      assertThat(results.allSucceeded()).isTrue();
      results.forEach((args, outcome) -> assertThat(outcome.value()).isEqualTo(args.x() * args.x()));
    }
    assertThat(JobResultBrokersTest.jobLogFiles(logs.resolve("panda"))).as("the jobs ran and left their logs").hasSize(8);
    assertThat(JobResultBrokersTest.jobLogs(logs.resolve("panda"))).as("results went through the Debian broker").doesNotContain("cannot publish", "relay");
  }
}
