package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.ConfigurationException;
import org.taskwire.WorkflowRun;
import org.taskwire.internal.journal.RecordedRun;

/**
 * Durable runs with real client JVMs: a client killed with {@code kill -9} in the middle of a
 * fan-out is resumed by a new JVM, which runs only what had not finished; and every journal that
 * cannot be resumed from says why.
 */
@Timeout(300)
class ResumeTest {
  @TempDir Path dir;

  static Path onlyRun(Path runs) throws IOException {
    try (Stream<Path> all = Files.list(runs)) {
      List<Path> dirs = all.filter(Files::isDirectory).toList();
      assertThat(dirs).hasSize(1);
      return dirs.get(0);
    }
  }

  /** How many records of a type the run's journal holds yet: 0 while the client has not made its run. */
  static long recorded(Path runs, String type) throws IOException {
    if (!Files.isDirectory(runs)) {
      return 0;
    }
    try (Stream<Path> all = Files.list(runs)) {
      List<Path> dirs = all.filter(Files::isDirectory).toList();
      return dirs.isEmpty() ? 0 : count(dirs.get(0).resolve("journal.jsonl"), type);
    }
  }

  private static long count(Path journal, String type) throws IOException {
    if (!Files.exists(journal)) {
      return 0;
    }
    String marker = "\"type\":\"" + type + "\"";
    return Files.readAllLines(journal, StandardCharsets.UTF_8).stream().filter(l -> l.contains(marker)).count();
  }

  /** How often each x ran: {@code countedSquare} leaves one file {@code <x>-<uuid>} per execution. */
  private static Map<Integer, Integer> executions(Path counts) throws IOException {
    Map<Integer, Integer> runs = new HashMap<>();
    try (Stream<Path> all = Files.list(counts)) {
      all.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".tmp"))
          .forEach(n -> runs.merge(Integer.parseInt(n.substring(0, n.indexOf('-'))), 1, Integer::sum));
    }
    return runs;
  }

  @Test
  void aClientKilledInAFanOutIsResumedAndNoCallThatFinishedRunsAgain() throws Exception {
    Path runs = dir.resolve("runs");
    Path counts = Files.createDirectories(dir.resolve("counts"));
    int n = 500;
    String[] local = {"taskwire.backend=local", "taskwire.local.workers=2", "taskwire.progress=off"};
    Process first = ClientToResume.start(dir, runs, counts, "-", n, 20, "first", local);
    Path journal;
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (recorded(runs, "call-succeeded") < 150) {
        assertThat(first.isAlive()).as("the first client is still running; it said: %s",
            Files.readString(dir.resolve("first.out"))).isTrue();
        assertThat(System.nanoTime()).as("150 calls done within 2 minutes").isLessThan(deadline);
        Thread.sleep(20);
      }
      journal = onlyRun(runs).resolve("journal.jsonl");
    } finally {
      first.destroyForcibly().waitFor();
    }
    RecordedRun killed = RecordedRun.read(journal);
    assertThat(killed.start().sandbox()).as("local workers run from the class path, not a sandbox").isNull();
    // The first client declared x = 0..n-1 in order, as calls 1..n.
    Set<Integer> finishedBefore = killed.calls().stream().filter(c -> c.success() != null)
        .map(c -> (int) c.declared().callId() - 1).collect(Collectors.toCollection(TreeSet::new));
    assertThat(finishedBefore).as("killed in the middle").hasSizeBetween(150, n - 1);
    assertThat(killed.closed()).as("a killed client closes nothing").isNull();

    Process second = ClientToResume.start(dir, runs, counts, "last", n, 20, "second", local);
    ClientToResume.assertSquares(second, dir, "second", n);
    Map<Integer, Integer> executions = executions(counts);
    for (int x = 0; x < n; x++) {
      int times = executions.getOrDefault(x, 0);
      if (finishedBefore.contains(x)) {
        assertThat(times).as("x=%d had finished before the kill: it must not run again", x).isEqualTo(1);
      } else {
        assertThat(times).as("x=%d ran", x).isBetween(1, 2);
      }
    }
    RecordedRun resumed = RecordedRun.read(journal);
    assertThat(resumed.resumes()).hasSize(1);
    assertThat(resumed.calls()).hasSize(n).allMatch(c -> c.success() != null);
    assertThat(resumed.closed()).isNotNull();
  }

  @Test
  void aSecondProcessIsRefusedARunThatIsOpen() throws Exception {
    Path runs = dir.resolve("runs");
    Path counts = Files.createDirectories(dir.resolve("counts"));
    Process first = ClientToResume.start(dir, runs, counts, "-", 4, 60_000, "first", "taskwire.backend=local",
        "taskwire.local.workers=1");
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (recorded(runs, "call-declared") < 4) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(20);
      }
      Process second = ClientToResume.start(dir, runs, counts, "last", 4, 1, "second", "taskwire.backend=inprocess");
      assertThat(second.waitFor()).isNotZero();
      assertThat(Files.readString(dir.resolve("second.out")))
          .contains("is open in another process (pid " + first.pid() + ")");
    } finally {
      first.destroyForcibly().waitFor();
    }
  }

  private String finishedRun(Path runs) {
    try (WorkflowRun run = ProbeTasks.builder().backend("inprocess").set("taskwire.runs-dir", runs.toString())
        .start()) {
      assertThat(ProbeTasks.square(3)).isEqualTo(9);
      assertThat(ProbeTasks.square(4)).isEqualTo(16);
      return run.runId();
    }
  }

  @Test
  void aResumedRunReturnsRecordedResultsWithoutRunningThemAndRunsWhatItDidNotKnow() throws Exception {
    Path runs = dir.resolve("runs");
    Path counts = Files.createDirectories(dir.resolve("counts"));
    String id;
    try (WorkflowRun run = ProbeTasks.builder().backend("inprocess").set("taskwire.runs-dir", runs.toString())
        .start()) {
      id = run.runId();
      assertThat(ProbeTasks.countedSquare(counts.toString(), 5, 0)).isEqualTo(25);
    }
    try (WorkflowRun run = ProbeTasks.builder().backend("inprocess").set("taskwire.runs-dir", runs.toString())
        .resume(id.substring(0, 8)).start()) {
      assertThat(run.runId()).isEqualTo(id);
      assertThat(ProbeTasks.countedSquare(counts.toString(), 5, 0)).isEqualTo(25);
      assertThat(ProbeTasks.countedSquare(counts.toString(), 6, 0)).isEqualTo(36);
    }
    assertThat(executions(counts)).containsEntry(5, 1).containsEntry(6, 1);
  }

  @Test
  void aDamagedJournalLineIsNamedAndATornLastLineIsForgiven() throws Exception {
    Path runs = dir.resolve("runs");
    String id = finishedRun(runs);
    Path journal = runs.resolve(id).resolve("journal.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(journal));

    // A torn last line: the client died while writing it.
    Files.writeString(journal, String.join("\n", lines) + "\n{\"type\":\"call-succ");
    try (WorkflowRun run = ProbeTasks.builder().backend("inprocess").set("taskwire.runs-dir", runs.toString())
        .resume(id).start()) {
      assertThat(ProbeTasks.square(3)).isEqualTo(9);
    }
    assertThat(Files.readString(journal)).doesNotContain("call-succ\n").doesNotContain("{\"type\":\"call-succ{");

    List<String> damaged = new ArrayList<>(Files.readAllLines(journal));
    damaged.set(2, "{\"type\":\"call-succeeded\",\"callId\":");
    Files.write(journal, damaged);
    assertThatThrownBy(() -> ProbeTasks.builder().backend("inprocess").set("taskwire.runs-dir", runs.toString())
        .resume(id).start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(journal + " line 3 is not a Taskwire journal record")
        .hasMessageContaining("cannot be resumed");
  }

  @Test
  void aRunOfAnotherWorkflowOrOfChangedCodeIsRefusedWithTheOptionThatAcceptsIt() throws Exception {
    Path runs = dir.resolve("runs");
    String other;
    try (WorkflowRun run = VersionedTasks.builder().backend("inprocess").set("taskwire.runs-dir", runs.toString())
        .start()) {
      other = run.runId();
    }
    assertThatThrownBy(() -> ProbeTasks.builder().backend("inprocess").set("taskwire.runs-dir", runs.toString())
        .resume(other).start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("is a run of " + Versioned.class.getName() + ", not of " + Probe.class.getName());

    String id = finishedRun(runs);
    Path journal = runs.resolve(id).resolve("journal.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(journal));
    String version = lines.get(0).replaceAll(".*\"codeVersions\":\\{\"[^\"]+\":\"([0-9a-f]+)\".*", "$1");
    assertThat(version).hasSize(16);
    lines.set(0, lines.get(0).replace(version, "0123456789abcdef"));
    Files.write(journal, lines);
    assertThatThrownBy(() -> ProbeTasks.builder().backend("inprocess").set("taskwire.runs-dir", runs.toString())
        .resume(id).start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("the code of " + Probe.class.getName() + " changed since run " + id)
        .hasMessageContaining("taskwire.code-version=none");
    try (WorkflowRun run = ProbeTasks.builder().backend("inprocess").set("taskwire.runs-dir", runs.toString())
        .set("taskwire.code-version", "none").resume(id).start()) {
      assertThat(run.runId()).isEqualTo(id);
      assertThat(ProbeTasks.square(4)).isEqualTo(16);
    }
  }

  @Test
  void underTheSandboxPolicyAChangedFileOfTheClassPathRefusesTheResume() throws Exception {
    Path runs = dir.resolve("runs");
    Path extra = Files.createDirectories(dir.resolve("extra"));
    Files.writeString(extra.resolve("table.txt"), "one");
    String classpath = System.getProperty("java.class.path") + java.io.File.pathSeparator + extra;
    java.util.function.Supplier<WorkflowRun.Builder> builder = () -> ProbeTasks.builder().backend("inprocess")
        .set("taskwire.runs-dir", runs.toString()).set("taskwire.code-version", "sandbox")
        .set("taskwire.local.classpath", classpath);
    String id;
    try (WorkflowRun run = builder.get().start()) {
      id = run.runId();
      assertThat(ProbeTasks.square(3)).isEqualTo(9);
    }
    try (WorkflowRun run = builder.get().resume(id).start()) {
      assertThat(ProbeTasks.square(3)).as("nothing changed: it resumes").isEqualTo(9);
    }
    Files.writeString(extra.resolve("table.txt"), "two");
    assertThatThrownBy(() -> builder.get().resume(id).start()).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("the code of " + Probe.class.getName() + " changed since run " + id)
        .hasMessageContaining("sandbox:");
  }
}
