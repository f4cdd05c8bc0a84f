package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.AsyncResult;
import org.taskwire.FailureKind;
import org.taskwire.WorkFailedException;
import org.taskwire.WorkflowRun;

/** Faults of the local backend's worker pool, each with real worker JVMs. */
@Timeout(180)
class LocalFaultsTest {
  @TempDir Path dir;

  /**
   * A java launcher that refuses to start the worker of slot 1 while a marker file exists; slot
   * 2's starts go through. Workers run in {@code <log-dir>/worker-<slot>}.
   */
  private Path launcherBreakingSlotOne(Path marker) throws Exception {
    Path script = dir.resolve("java-slot1-broken.sh");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Files.writeString(script, "#!/bin/sh\n"
        + "if [ \"$(basename \"$PWD\")\" = worker-1 ] && [ -e '" + marker + "' ]; then\n"
        + "  echo 'slot 1 is broken on purpose' >&2; exit 1\n"
        + "fi\n"
        + "exec '" + java + "' \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  @Test
  void oneSlotThatCannotStartLeavesTheOtherServingAndRecovers() throws Exception {
    Path marker = Files.createFile(dir.resolve("break-slot-1"));
    Path logs = dir.resolve("logs");
    try (WorkflowRun run = ProbeTasks.builder().backend("local").set("taskwire.local.workers", "2")
        .set("taskwire.local.java", launcherBreakingSlotOne(marker).toString())
        .set("taskwire.local.log-dir", logs.toString()).start()) {
      var first = ProbeTasks.squareMap(IntStream.range(0, 1000).mapToObj(ProbeTasks.SquareArgs::new).toList());
      assertThat(first.failures()).as("slot 1 broken, slot 2 serves everything").isEmpty();
      assertThat(first.successes()).hasSize(1000);
      var second = ProbeTasks.squareMap(IntStream.range(0, 200).mapToObj(ProbeTasks.SquareArgs::new).toList());
      assertThat(second.failures()).as("a later fan-out is not failed either").isEmpty();

      // Mend slot 1: its retries start a worker again and both workers take calls.
      Files.delete(marker);
      Set<Long> pids = new HashSet<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (pids.size() < 2 && System.nanoTime() < deadline) {
        List<AsyncResult<Long>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          calls.add(ProbeTasks.pidAsync());
        }
        calls.forEach(c -> pids.add(c.await()));
      }
      assertThat(pids).as("worker 1 recovered").hasSize(2);
    }
  }

  @Test
  void everySlotBrokenFailsQueuedCallsAndAMendedLauncherRecovers() throws Exception {
    Path marker = Files.createFile(dir.resolve("break-slot-1"));
    try (WorkflowRun run = ProbeTasks.builder().backend("local").set("taskwire.local.workers", "1")
        .set("taskwire.local.java", launcherBreakingSlotOne(marker).toString())
        .set("taskwire.local.log-dir", dir.resolve("logs").toString()).start()) {
      assertThatThrownBy(() -> ProbeTasks.squareAsync(2).await(Duration.ofSeconds(60)))
          .isInstanceOfSatisfying(WorkFailedException.class, e -> {
            assertThat(e.kind()).isEqualTo(FailureKind.BACKEND);
            assertThat(e.getMessage()).contains("slot 1 is broken on purpose");
          });
      Files.delete(marker);
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      Integer value = null;
      while (value == null && System.nanoTime() < deadline) {
        try {
          value = ProbeTasks.square(5);
        } catch (WorkFailedException e) {
          assertThat(e.kind()).isEqualTo(FailureKind.BACKEND);
          Thread.sleep(500);
        }
      }
      assertThat(value).as("the pool mends once a start succeeds").isEqualTo(25);
    }
  }

  @Test
  void aCallBatchedBehindQuickCallsStillHasItsWalltimeEnforced() {
    try (WorkflowRun run = ProbeTasks.builder().backend("local").set("taskwire.local.workers", "1").start()) {
      // Warm the worker up, so that its calls are timed as quick and sent in batches.
      ProbeTasks.squareMap(IntStream.range(0, 300).mapToObj(ProbeTasks.SquareArgs::new).toList()).orThrow();
      List<AsyncResult<Integer>> before = IntStream.range(0, 400).mapToObj(ProbeTasks::squareAsync).toList();
      AsyncResult<Integer> overrun = ProbeTasks.overrunAsync();
      List<AsyncResult<Integer>> after = IntStream.range(400, 600).mapToObj(ProbeTasks::squareAsync).toList();
      // overrun sleeps 300 s with a walltime of 2 s: it must be killed, batched or not.
      assertThatThrownBy(() -> overrun.await(Duration.ofSeconds(45)))
          .isInstanceOfSatisfying(WorkFailedException.class, e -> {
            assertThat(e.kind()).isEqualTo(FailureKind.WORKER_LOST);
            assertThat(e.getMessage()).contains("exceeded its walltime of PT2S");
          });
      before.forEach(c -> assertThat(c.await(Duration.ofSeconds(60))).isNotNull());
      after.forEach(c -> assertThat(c.await(Duration.ofSeconds(60))).isNotNull());
    }
  }

  /**
   * A class path no worker can use (an entry that does not exist) is no fault another start
   * mends: the call fails at once with the wrapper's own words, after one start per worker.
   */
  @Test
  void aClassPathNoWorkerCanUseFailsTheCallAtOnceWithTheWrappersWords() throws Exception {
    Path typo = dir.resolve("typo.jar");
    Path logs = dir.resolve("logs");
    String classpath = System.getProperty("java.class.path") + java.io.File.pathSeparator + typo;
    try (WorkflowRun run = ProbeTasks.builder().backend("local").set("taskwire.local.workers", "2")
        .set("taskwire.local.classpath", classpath).set("taskwire.local.log-dir", logs.toString())
        .set("taskwire.progress", "off").start()) {
      assertThatThrownBy(() -> ProbeTasks.square(3)).isInstanceOfSatisfying(WorkFailedException.class, e -> {
        assertThat(e.kind()).isEqualTo(FailureKind.BACKEND);
        assertThat(e.getMessage()).contains("exit code 12 (class path or work registry problem)",
            "taskwire-wrapper: cannot start (exit 12", "class path entry " + typo + " does not exist");
      });
    }
    try (var files = Files.list(logs)) {
      assertThat(files.filter(p -> p.getFileName().toString().matches("worker-\\d+-\\d+\\.log")).count())
          .as("one start per worker, no retries").isLessThanOrEqualTo(2);
    }
  }

  @Test
  void workersStopWithinASecondOfTheirClientsDeathRunningCallIncluded() throws Exception {
    Path pidFile = dir.resolve("worker.pid");
    Path logs = dir.resolve("client-logs");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process client = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        ClientToKill.class.getName(), pidFile.toString(), logs.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("client.out").toFile()).start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!Files.exists(pidFile) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(pidFile).as("the worker started the call; client said: %s",
          Files.exists(dir.resolve("client.out")) ? Files.readString(dir.resolve("client.out")) : "").exists();
      ProcessHandle worker = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).orElseThrow();
      client.destroyForcibly().waitFor();
      long killed = System.nanoTime();
      // The call would sleep 10 minutes; the worker must notice its client is gone and stop.
      while (running(worker.pid()) && System.nanoTime() - killed < 20_000_000_000L) {
        Thread.sleep(5);
      }
      long outlived = (System.nanoTime() - killed) / 1_000_000;
      // The README's promise, measured to the worker's exit rather than to its reaping by init.
      assertThat(outlived).as("ms the worker ran on after its client's death").isLessThan(1000);
      assertThat(WorkerLogs.read(logs)).contains("the client (pid " + client.pid() + ") is gone");
    } finally {
      client.destroyForcibly();
    }
  }

  /**
   * Whether a process still runs: not gone and not a zombie. An orphan's exit is reaped by
   * whatever init the machine has, on its own schedule, and {@code ProcessHandle.isAlive} counts
   * a zombie as alive.
   */
  static boolean running(long pid) throws java.io.IOException {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (!Files.exists(stat)) {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
    try {
      String s = Files.readString(stat);
      return s.charAt(s.lastIndexOf(')') + 2) != 'Z';
    } catch (java.nio.file.NoSuchFileException e) {
      return false;
    }
  }

  private static List<Path> logDirectoriesOf(WorkflowRun run) throws Exception {
    try (var all = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return all.filter(p -> p.getFileName().toString().startsWith("taskwire-" + run.runId().substring(0, 8) + "-"))
          .toList();
    }
  }

  @Test
  void aCleanRunRemovesItsLogDirectoryAndARunWithFailuresKeepsIt() throws Exception {
    List<Path> clean;
    try (WorkflowRun run = ProbeTasks.builder().backend("local").set("taskwire.local.workers", "1").start()) {
      assertThat(ProbeTasks.square(3)).isEqualTo(9);
      clean = logDirectoriesOf(run);
      assertThat(clean).hasSize(1);
    }
    assertThat(clean.get(0)).doesNotExist();

    List<Path> failed;
    try (WorkflowRun run = ProbeTasks.builder().backend("local").set("taskwire.local.workers", "1").start()) {
      assertThatThrownBy(() -> ProbeTasks.evenOnly(1)).isInstanceOf(WorkFailedException.class);
      failed = logDirectoriesOf(run);
    }
    assertThat(failed).hasSize(1);
    assertThat(failed.get(0)).isDirectory();
    try (var files = Files.walk(failed.get(0))) {
      assertThat(files.map(Path::toString).filter(f -> f.endsWith(".log")).toList()).isNotEmpty();
    }
  }
}
