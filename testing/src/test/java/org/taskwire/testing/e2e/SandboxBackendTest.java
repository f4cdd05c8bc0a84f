package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.WorkflowRun;
import org.taskwire.internal.sandbox.SandboxStore;
import org.taskwire.testing.e2e.ProbeTasks.SquareArgs;

/** The local backend shipping the class path as grid jobs get it: a sandbox, extracted per node. */
@Timeout(180)
class SandboxBackendTest {
  @TempDir Path cache;
  @TempDir Path logs;

  @Test
  void workersRunFromTheExtractedSandboxInTheirOwnDirectories() throws Exception {
    try (WorkflowRun run = ProbeTasks.builder().backend("local").set("taskwire.local.workers", "2")
        .set("taskwire.local.sandbox", "true").set("taskwire.sandbox.cache-dir", cache.toString())
        .set("taskwire.local.log-dir", logs.toString()).start()) {
      List<String> where = ProbeTasks.whereAmI();
      assertThat(where.get(0)).as("classes come from the sandbox").contains(cache.resolve("extracted").toString());
      assertThat(where.get(1)).as("each worker has its own directory").startsWith(logs.resolve("worker-").toString());
      assertThat(ProbeTasks.squareMap(List.of(new SquareArgs(2), new SquareArgs(3))).successes()).containsValues(4, 9);
    }
    Path sandbox;
    try (var files = Files.list(cache)) {
      sandbox = files.filter(p -> p.getFileName().toString().matches("sources\\.[0-9a-f]{64}\\.tar\\.gz"))
          .findFirst().orElseThrow();
    }
    List<String> shipped = SandboxStore.readManifest(sandbox).classpath();
    assertThat(shipped).as("the worker's own jars travel").anyMatch(e -> e.contains("taskwire-remote-wrapper"))
        .anyMatch(e -> e.contains("kryo"));
    assertThat(shipped).as("the jars only the client uses stay home")
        .noneMatch(e -> e.contains("activemq-") || e.contains("hawtbuf") || e.contains("progressbar"));
  }
}
