package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.ConfigurationException;
import org.taskwire.WorkflowRun;
import org.taskwire.cli.TaskwireCli;

/** Results shared across runs ({@code taskwire.cache}): a later run gets them without running. */
class SharedResultsTest {
  @TempDir Path dir;

  private WorkflowRun.Builder run(String cache) {
    return ProbeTasks.builder().backend("local").set("taskwire.local.workers", "1")
        .set("taskwire.runs-dir", dir.resolve("runs").toString())
        .set("taskwire.cache.dir", dir.resolve("cache").toString()).set("taskwire.cache", cache);
  }

  private long executions(Path counts, int x) throws Exception {
    try (Stream<Path> all = Files.list(counts)) {
      return all.filter(p -> p.getFileName().toString().startsWith(x + "-")).count();
    }
  }

  @Test
  void aLaterRunTakesASharedResultWithoutRunningItAndOnlyForTheWorksNamed() throws Exception {
    Path counts = Files.createDirectories(dir.resolve("counts"));
    String c = counts.toString();
    try (WorkflowRun first = run("countedSquare").start()) {
      assertThat(ProbeTasks.countedSquare(c, 5, 0)).isEqualTo(25);
      assertThat(ProbeTasks.square(3)).isEqualTo(9);
    }
    try (WorkflowRun second = run("countedSquare, square").start()) {
      assertThat(ProbeTasks.countedSquare(c, 5, 0)).isEqualTo(25);
      assertThat(ProbeTasks.countedSquare(c, 6, 0)).isEqualTo(36);
    }
    assertThat(executions(counts, 5)).as("taken from the cache").isEqualTo(1);
    assertThat(executions(counts, 6)).isEqualTo(1);
    try (WorkflowRun third = run("").start()) {
      assertThat(ProbeTasks.countedSquare(c, 5, 0)).isEqualTo(25);
    }
    assertThat(executions(counts, 5)).as("no cache, so it runs").isEqualTo(2);
    try (Stream<Path> files = Files.walk(dir.resolve("cache"))) {
      assertThat(files.filter(Files::isRegularFile).count()).as("countedSquare 5 and 6").isEqualTo(2);
    }

    // taskwire gc removes shared results not used for longer than it is told.
    try (Stream<Path> files = Files.walk(dir.resolve("cache"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().minus(Duration.ofDays(40))));
      }
    }
    StringWriter out = new StringWriter();
    System.setProperty("taskwire.cache.dir", dir.resolve("cache").toString());
    try {
      int code = TaskwireCli.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "gc",
          "--older-than", "30d", "--runs-dir", dir.resolve("runs").toString());
      assertThat(code).isZero();
    } finally {
      System.clearProperty("taskwire.cache.dir");
    }
    assertThat(out.toString()).contains("removed cached result");
    try (Stream<Path> files = Files.walk(dir.resolve("cache"))) {
      assertThat(files.filter(Files::isRegularFile).count()).isZero();
    }
  }

  @Test
  void aCacheNamingNoWorkIsRefused() {
    assertThatThrownBy(() -> run("countedSquares").start()).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("taskwire.cache = 'countedSquares': there is no work named 'countedSquares'")
        .hasMessageContaining("countedSquare");
  }
}
