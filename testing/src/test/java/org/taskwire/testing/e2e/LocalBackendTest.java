package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.taskwire.AsyncResult;
import org.taskwire.FailureKind;
import org.taskwire.WorkFailedException;
import org.taskwire.WorkflowRun;
import org.taskwire.testing.TaskwireExtension;
import org.taskwire.testing.e2e.ProbeTasks.PidArgs;

/** The local backend with real worker JVMs, including workers that die. */
@Timeout(120)
class LocalBackendTest extends BackendContract {
  @RegisterExtension
  static final TaskwireExtension taskwire =
      TaskwireExtension.of(ProbeTasks::builder).backend("local").set("taskwire.local.workers", "2");

  @Test
  void runsInOtherProcesses(WorkflowRun run) {
    assertThat(run.backendName()).isEqualTo("local");
    long worker = ProbeTasks.pid();
    assertThat(worker).isNotEqualTo(ProcessHandle.current().pid());
    assertThat(ProcessHandle.of(worker)).isPresent();
  }

  @Test
  void workerHeapFollowsTheLargestMemoryOption() {
    // Probe declares memoryMb = 256; a serial-GC heap reports a little less than its -Xmx.
    assertThat(ProbeTasks.maxHeapMb()).isBetween(200L, 256L);
  }

  @Test
  void fanOutSpreadsOverTheWorkers() {
    Set<Long> pids = new HashSet<>();
    for (int round = 0; round < 20 && pids.size() < 2; round++) {
      // Distinct arguments are required; the pid work takes none, so use several single calls at once.
      List<AsyncResult<Long>> calls = IntStream.range(0, 8).mapToObj(i -> ProbeTasks.pidAsync()).toList();
      calls.forEach(c -> pids.add(c.await()));
    }
    assertThat(pids).hasSize(2);
    assertThat(ProbeTasks.pidMap(List.of(new PidArgs()))).hasSize(1);
  }

  @Test
  void aWorkerDyingInABatchFailsOnlyTheCallItWasRunning() {
    // Quick calls go to workers in batches; the calls queued behind the fatal one must run elsewhere, not fail.
    ProbeTasks.exitAtMap(IntStream.range(0, 200).mapToObj(i -> new ProbeTasks.ExitAtArgs(i, -1)).toList()).orThrow();
    var outcomes = ProbeTasks.exitAtMap(IntStream.range(0, 400).mapToObj(i -> new ProbeTasks.ExitAtArgs(i, 150)).toList());
    assertThat(outcomes.failures()).containsOnlyKeys(new ProbeTasks.ExitAtArgs(150, 150));
    assertThat(outcomes.failures().values().iterator().next().kind()).isEqualTo(FailureKind.WORKER_LOST);
    assertThat(outcomes.successes()).hasSize(399).allSatisfy((args, value) -> assertThat(value).isEqualTo(args.x()));
  }

  @Test
  void aWorkThatThrewNamesTheWorkerLogHoldingItsTrace() {
    assertThatThrownBy(() -> ProbeTasks.evenOnly(5))
        .isInstanceOfSatisfying(WorkFailedException.class, e -> {
          assertThat(e.kind()).isEqualTo(FailureKind.WORK_THREW);
          assertThat(e.remoteMessage()).isEqualTo("odd input 5");
          assertThat(e.backendDetail()).isEmpty();
          assertThat(e.logLocation()).hasValueSatisfying(log -> {
            try {
              assertThat(Files.readString(Path.of(log))).contains("odd input 5", "at org.taskwire.testing.e2e.Probe.evenOnly");
            } catch (java.io.IOException io) {
              throw new AssertionError(io);
            }
          });
        });
  }

  @Test
  void workerKilledWithSigkillMidCallFailsTheCallWithinSeconds() throws Exception {
    Path pidFile = dir.resolve("pid");
    AsyncResult<String> call = ProbeTasks.sleepOnceAsync(pidFile.toString(), 60_000);
    long pid = awaitPid(pidFile);
    long killedAt = System.nanoTime();
    assertThat(ProcessHandle.of(pid).orElseThrow().destroyForcibly()).isTrue();
    assertThatThrownBy(() -> call.await(Duration.ofSeconds(30)))
        .isInstanceOfSatisfying(WorkFailedException.class, e -> {
          assertThat(e.kind()).isEqualTo(FailureKind.WORKER_LOST);
          assertThat(e.getMessage()).contains("pid " + pid, "killed by signal 9");
          assertThat(e.logLocation()).isPresent();
        });
    assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(10));
    assertThat(ProbeTasks.square(4)).as("a fresh worker replaces the dead one").isEqualTo(16);
  }

  @Test
  void workerKilledWithSigkillMidCallIsRetried() throws Exception {
    Path pidFile = dir.resolve("pid");
    AsyncResult<String> call = ProbeTasks.surviveAsync(pidFile.toString(), 60_000);
    long pid = awaitPid(pidFile);
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    String result = call.await(Duration.ofSeconds(60));
    assertThat(result).startsWith("survived in ").doesNotEndWith(" " + pid);
  }

  @Test
  void systemExitInTheWorkFailsTheCall() {
    assertThatThrownBy(() -> ProbeTasks.exit(7))
        .isInstanceOfSatisfying(WorkFailedException.class, e -> {
          assertThat(e.kind()).isEqualTo(FailureKind.WORKER_LOST);
          assertThat(e.getMessage()).contains("exit code 7", "exiting with 7");
        });
  }

  @Test
  void outOfMemoryFailsTheCallWithoutABlindRetry() {
    assertThatThrownBy(ProbeTasks::hog)
        .isInstanceOfSatisfying(WorkFailedException.class, e -> {
          assertThat(e.kind()).as("not a lost worker, which would be retried").isEqualTo(FailureKind.BACKEND);
          assertThat(e.getMessage()).contains("exit code 3 (the JVM ran out of memory)",
              "Terminating due to java.lang.OutOfMemoryError", "It ran out of memory (memoryMb 256): raise the work's memoryMb");
        });
  }

  @Test
  void callPastItsWalltimeIsKilled() {
    assertThatThrownBy(ProbeTasks::overrun)
        .isInstanceOfSatisfying(WorkFailedException.class, e -> {
          assertThat(e.kind()).isEqualTo(FailureKind.WORKER_LOST);
          assertThat(e.getMessage()).contains("exceeded its walltime of PT2S");
        });
  }

  private static long awaitPid(Path pidFile) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(pidFile)) {
        try {
          return Long.parseLong(Files.readString(pidFile).trim());
        } catch (java.io.IOException | NumberFormatException e) {
          // being written
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the work never wrote its pid to " + pidFile);
  }
}
