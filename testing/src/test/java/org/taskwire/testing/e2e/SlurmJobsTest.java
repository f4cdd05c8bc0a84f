package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.taskwire.AsyncResult;
import org.taskwire.FailureKind;
import org.taskwire.MapResult;
import org.taskwire.WorkFailedException;
import org.taskwire.WorkflowRun;
import org.taskwire.testing.slurm.SlurmCluster;

/** The slurm backend on a real single-node Slurm, in jobs mode. */
@EnabledIf(value = "org.taskwire.testing.slurm.SlurmCluster#answersOrStarts", disabledReason = SlurmCluster.NOT_HERE)
@Timeout(300)
class SlurmJobsTest {
  private static WorkflowRun.Builder slurm() {
    return ProbeTasks.builder().backend("slurm")
        .set("taskwire.slurm.mode", "jobs")
        .set("taskwire.slurm.poll-interval", "PT0.5S")
        .set("taskwire.slurm.result-grace", "2s")
        .set("taskwire.slurm.shared-dir", Path.of("target", "slurm").toAbsolutePath().toString());
  }

  @Test
  void aFanOutIsOneArrayJobNamedAfterTheRunAndItsResultsComeBackKeyed() throws Exception {
    String runId;
    try (WorkflowRun run = slurm().start()) {
      runId = run.runId();
      List<ProbeTasks.SquareArgs> calls = IntStream.range(0, 5).mapToObj(ProbeTasks.SquareArgs::new).toList();
      MapResult<ProbeTasks.SquareArgs, Integer> squares = ProbeTasks.squareMap(calls);
      assertThat(squares.failures()).isEmpty();
      calls.forEach(c -> assertThat(squares.value(c)).isEqualTo(c.x() * c.x()));
      List<String> jobs = SlurmHere.jobs(runId, "all");
      assertThat(jobs).as("one array job, one array task per call").hasSize(5)
          // A job whose result came over the broker may still be finishing.
          .allMatch(j -> j.matches("\\d+_[0-4]\\|(COMPLETED|COMPLETING|RUNNING)"));
      assertThat(jobs.stream().map(j -> j.substring(0, j.indexOf('_'))).distinct()).hasSize(1);
    }
    // Jobs whose result arrived end on their own, within moments.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!SlurmHere.jobs(runId, "PENDING,RUNNING,COMPLETING").isEmpty()) {
      assertThat(System.nanoTime()).as("the run's jobs end within 30 s of its close").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /**
   * With a class path of jars, the first job writes the class-data archive at its exit and the
   * jobs after it map their classes from it (the JVM's class loading log says where each class
   * came from).
   */
  @Test
  void jobsAfterTheFirstStartFromTheClassDataArchiveItWrote(@TempDir Path dir) throws Exception {
    Path shared = dir.resolve("shared");
    try (WorkflowRun run = slurm().set("taskwire.slurm.shared-dir", shared.toString())
        .set("taskwire.local.classpath", Jarred.classpath(dir.resolve("jars")))
        .set("taskwire.slurm.jvm-options", "-XX:+UseSerialGC -Xlog:class+load=info").start()) {
      assertThat(ProbeTasks.square(2)).isEqualTo(4);
      Path data = shared.resolve("class-data");
      // The first job writes the archive as its JVM exits, after its result was sent.
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!hasArchive(data)) {
        assertThat(System.nanoTime()).as("the first job writes an archive in " + data).isLessThan(deadline);
        Thread.sleep(100);
      }
      List<ProbeTasks.SquareArgs> calls = IntStream.range(10, 13).mapToObj(ProbeTasks.SquareArgs::new).toList();
      MapResult<ProbeTasks.SquareArgs, Integer> squares = ProbeTasks.squareMap(calls);
      assertThat(squares.failures()).isEmpty();
      List<String> logs;
      try (var files = java.nio.file.Files.walk(shared.resolve(run.runId()))) {
        logs = files.filter(f -> f.getFileName().toString().startsWith("log-")).sorted().map(f -> {
          try {
            return java.nio.file.Files.readString(f);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }).toList();
      }
      assertThat(logs).hasSize(4);
      assertThat(logs.stream().filter(l -> l.contains("writes the class-data archive"))).hasSize(1);
      String probe = " " + ProbeTasks.SquareArgs.class.getName() + " source: ";
      assertThat(logs.stream().filter(l -> l.contains(probe + "shared objects file (top)")))
          .as("the three later jobs load the work's classes from the archive").hasSize(3);
    }
  }

  private static boolean hasArchive(Path data) throws java.io.IOException {
    if (!java.nio.file.Files.isDirectory(data)) {
      return false;
    }
    try (var files = java.nio.file.Files.list(data)) {
      return files.anyMatch(f -> f.toString().endsWith(".jsa"));
    }
  }

  @Test
  void aWorkThatThrowsFailsWithTheRemoteErrorAndClosingTheRunCancelsItsJobs() throws Exception {
    try (WorkflowRun run = slurm().start()) {
      assertThatThrownBy(() -> ProbeTasks.evenOnly(3))
          .isInstanceOfSatisfying(WorkFailedException.class, e -> {
            assertThat(e.kind()).isEqualTo(FailureKind.WORK_THREW);
            assertThat(e.remoteMessage()).isEqualTo("odd input 3");
          });
      AsyncResult<Integer> held = ProbeTasks.overrunAsync();
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (SlurmHere.jobs(run.runId(), "RUNNING").isEmpty()) {
        assertThat(System.nanoTime()).as("the job runs within 2 minutes").isLessThan(deadline);
        Thread.sleep(100);
      }
      run.close();
      assertThat(held.isDone()).isTrue();
      assertThat(SlurmHere.jobs(run.runId(), "PENDING,RUNNING"))
          .as("closing the run leaves no job of it queued or running").isEmpty();
    }
  }

  @Test
  void taskwireKillCancelsTheJobsOfARunWhoseClientDied(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path runs = dir.resolve("runs");
    Path counts = java.nio.file.Files.createDirectories(dir.resolve("counts"));
    Process client = ClientToResume.start(dir, runs, counts, "-", 2, 600_000, "client", "taskwire.backend=slurm", "taskwire.slurm.mode=jobs",
        "taskwire.slurm.poll-interval=PT0.5S", "taskwire.progress=off",
        "taskwire.slurm.shared-dir=" + Path.of("target", "slurm").toAbsolutePath());
    String runId = null;
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (runId == null || SlurmHere.jobs(runId, "RUNNING").size() < 2) {
        assertThat(System.nanoTime()).as("two jobs run within 2 minutes; the client said: %s",
            java.nio.file.Files.readString(dir.resolve("client.out"))).isLessThan(deadline);
        String out = java.nio.file.Files.readString(dir.resolve("client.out"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("run (\\S+)").matcher(out);
        runId = m.find() ? m.group(1) : null;
        Thread.sleep(100);
      }
      client.destroyForcibly().waitFor();
      assertThat(SlurmHere.jobs(runId, "RUNNING")).as("a killed client leaves its jobs running").hasSize(2);

      java.io.StringWriter out = new java.io.StringWriter();
      java.io.StringWriter err = new java.io.StringWriter();
      int code = org.taskwire.cli.TaskwireCli.run(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true),
          "kill", "last", "--runs-dir", runs.toString());
      assertThat(code).as(err.toString()).isZero();
      assertThat(out.toString()).contains("Slurm job");
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!SlurmHere.jobs(runId, "PENDING,RUNNING").isEmpty()) {
        assertThat(System.nanoTime()).as("scancel ends the jobs within 30 s").isLessThan(end);
        Thread.sleep(100);
      }
    } finally {
      client.destroyForcibly();
    }
  }

  /** A class path no job can use fails the call on its first attempt, in the wrapper's words. */
  @Test
  void aClassPathNoJobCanUseFailsTheCallAtOnceInTheWrappersWords() {
    Path typo = Path.of("target", "slurm", "typo.jar").toAbsolutePath();
    try (WorkflowRun run = slurm().set("taskwire.local.classpath",
        System.getProperty("java.class.path") + java.io.File.pathSeparator + typo).start()) {
      assertThatThrownBy(() -> ProbeTasks.squareAsync(3).await(java.time.Duration.ofMinutes(2)))
          .isInstanceOfSatisfying(WorkFailedException.class, e -> {
            assertThat(e.kind()).as(e.getMessage()).isEqualTo(FailureKind.BACKEND);
            assertThat(e.attempt()).isEqualTo(1);
            assertThat(e.getMessage()).contains("exit 12", "class path entry " + typo + " does not exist");
          });
    }
  }

  @Test
  void aRequestNoNodeCanMeetFailsWithSlurmsReasonNotAHang() {
    try (WorkflowRun run = slurm().set("taskwire.work.square.memory-mb", "99999999").start()) {
      assertThatThrownBy(() -> ProbeTasks.square(3))
          .isInstanceOfSatisfying(WorkFailedException.class, e -> {
            assertThat(e.kind()).isEqualTo(FailureKind.BACKEND);
            assertThat(e.getMessage()).contains("cannot submit square to Slurm", "--mem=99999999M",
                "Requested node configuration is not available");
          });
    }
  }

  @Test
  void aKilledClientIsResumedAndReattachesToItsArrayJobWithoutSubmittingAgain(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path runs = dir.resolve("runs");
    Path counts = java.nio.file.Files.createDirectories(dir.resolve("counts"));
    String[] config = {"taskwire.backend=slurm", "taskwire.slurm.mode=jobs", "taskwire.slurm.poll-interval=PT0.5S", "taskwire.progress=off",
        "taskwire.slurm.result-grace=1s", "taskwire.slurm.shared-dir=" + Path.of("target", "slurm").toAbsolutePath()};
    int n = 4;
    Process first = ClientToResume.start(dir, runs, counts, "-", n, 4000, "first", config);
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (ResumeTest.recorded(runs, "call-submitted") < n) {
        assertThat(first.isAlive()).as("the first client runs; it said: %s",
            java.nio.file.Files.readString(dir.resolve("first.out"))).isTrue();
        assertThat(System.nanoTime()).as("its calls are submitted within 2 minutes").isLessThan(deadline);
        Thread.sleep(50);
      }
    } finally {
      first.destroyForcibly().waitFor();
    }
    Process second = ClientToResume.start(dir, runs, counts, "last", n, 4000, "second", config);
    ClientToResume.assertSquares(second, dir, "second", n);
    try (var files = java.nio.file.Files.list(counts)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(f -> !f.endsWith(".tmp"))
          .map(f -> f.substring(0, f.indexOf('-'))).sorted().toList())
          .as("each call ran once: the array job went on without a client, and was taken up").containsExactly("0", "1", "2", "3");
    }
  }

  /** Slurm counts time limits in minutes and checks them every half minute: this takes about a minute. */
  @Test
  void aCallPastItsWalltimeFailsAsSuchWhenSlurmEndsIt() {
    try (WorkflowRun run = slurm().start()) {
      assertThatThrownBy(() -> ProbeTasks.overrunAsync().await(Duration.ofMinutes(4)))
          .isInstanceOfSatisfying(WorkFailedException.class, e -> {
            assertThat(e.kind()).isEqualTo(FailureKind.WORKER_LOST);
            assertThat(e.getMessage()).contains("TIMEOUT", "killed after it exceeded its walltime of PT2S (--time)");
            assertThat(e.logLocation()).hasValueSatisfying(log -> assertThat(log).endsWith(".txt"));
          });
    }
  }

  /** .ci/slurm-service sets up a partition "short" with a one-minute limit, below the default walltime. */
  @Test
  void aJobThatCanNeverStartFailsWithSlurmsReasonAfterThePendingTimeout() throws Exception {
    try (WorkflowRun run = slurm().set("taskwire.work.square.queue", "short")
        .set("taskwire.slurm.pending-timeout", "2s").start()) {
      assertThatThrownBy(() -> ProbeTasks.squareAsync(3).await(Duration.ofMinutes(2)))
          .isInstanceOfSatisfying(WorkFailedException.class, e -> {
            assertThat(e.kind()).isEqualTo(FailureKind.BACKEND);
            assertThat(e.getMessage()).contains("PENDING", "(PartitionTimeLimit)", "pending for more than PT2S",
                "change the work's options");
          });
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!SlurmHere.jobs(run.runId(), "PENDING,RUNNING").isEmpty()) {
        assertThat(System.nanoTime()).as("the job is cancelled, not left pending").isLessThan(deadline);
        Thread.sleep(100);
      }
    }
  }

  /** The JVM's own heap limit (¾ of memoryMb), and Slurm's --mem, enforced here by polling each job's memory. */
  @ParameterizedTest
  @ValueSource(strings = {"hog", "hogNative"})
  void aCallThatRunsOutOfMemoryFailsAsSuchWithoutARetry(String work) {
    try (WorkflowRun run = slurm().set("taskwire.work." + work + ".max-attempts", "3").start()) {
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call = work.equals("hog") ? ProbeTasks::hog : ProbeTasks::hogNative;
      assertThatThrownBy(call)
          .isInstanceOfSatisfying(WorkFailedException.class, e -> {
            assertThat(e.kind()).as("not a lost worker, which would be retried").isEqualTo(FailureKind.BACKEND);
            assertThat(e.getMessage()).contains("exceeded its memory of 256 MB (--mem)", "raise memoryMb");
            assertThat(e.getMessage()).contains(work.equals("hog") ? "java.lang.OutOfMemoryError" : "Exceeded job memory limit");
          });
    }
  }

  /**
   * A job that ended while no client watched, and that squeue no longer lists (the test Slurm's
   * MinJobAge is 30 s): with accounting, sacct says how it ended; without, only its missing result
   * file does. Both runs go side by side, so that squeue is waited on once.
   */
  @Test
  void aJobThatEndedUnwatchedIsToldOfBySacctWhenSlurmKeepsAccounts(@TempDir Path dir) throws Exception {
    java.util.List<String> settings = SlurmCluster.keepsAccounts() ? java.util.List.of("on", "off") : java.util.List.of("off");
    java.util.Map<String, String> runIds = new java.util.LinkedHashMap<>();
    java.util.Map<String, String[]> configs = new java.util.LinkedHashMap<>();
    java.util.Map<String, Process> firsts = new java.util.LinkedHashMap<>();
    try {
      for (String accounting : settings) {
        Path own = java.nio.file.Files.createDirectories(dir.resolve(accounting));
        String[] config = {"taskwire.backend=slurm", "taskwire.slurm.mode=jobs", "taskwire.slurm.poll-interval=PT0.5S",
            "taskwire.progress=off", "taskwire.slurm.accounting=" + accounting,
            "taskwire.slurm.shared-dir=" + Path.of("target", "slurm").toAbsolutePath()};
        configs.put(accounting, config);
        firsts.put(accounting, ClientToResume.start(ClientOfAnExit.class, own, own.resolve("runs"), own, "-", 0, 0,
            "first", config));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      for (String accounting : settings) {
        Path own = dir.resolve(accounting);
        Process first = firsts.get(accounting);
        // Killed while the job runs, before it ends: the first client never learns how it ended.
        while (ResumeTest.recorded(own.resolve("runs"), "call-submitted") < 1) {
          assertThat(first.isAlive()).as("the first client (accounting %s) runs; it said: %s", accounting,
              java.nio.file.Files.readString(own.resolve("first.out"))).isTrue();
          assertThat(System.nanoTime()).as("its job runs within 2 minutes").isLessThan(deadline);
          Thread.sleep(50);
        }
        first.destroyForcibly().waitFor();
        assertThat(ResumeTest.recorded(own.resolve("runs"), "call-failed")).isZero();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("run (\\S+)")
            .matcher(java.nio.file.Files.readString(own.resolve("first.out")));
        assertThat(m.find()).isTrue();
        runIds.put(accounting, m.group(1));
      }
    } finally {
      for (Process first : firsts.values()) {
        first.destroyForcibly().waitFor();
      }
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
    for (String runId : runIds.values()) {
      while (!SlurmHere.jobs(runId, "all").isEmpty()) {
        assertThat(System.nanoTime()).as("squeue forgets the ended job within MinJobAge").isLessThan(deadline);
        Thread.sleep(500);
      }
    }
    java.util.Map<String, Process> seconds = new java.util.LinkedHashMap<>();
    for (String accounting : settings) {
      Path own = dir.resolve(accounting);
      seconds.put(accounting, ClientToResume.start(ClientOfAnExit.class, own, own.resolve("runs"), own, "last", 0, 0,
          "second", configs.get(accounting)));
    }
    for (String accounting : settings) {
      assertThat(seconds.get(accounting).waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      String said = java.nio.file.Files.readString(dir.resolve(accounting).resolve("second.out"));
      if (accounting.equals("on")) {
        assertThat(said).as("sacct's word: the job failed").contains("failed WORKER_LOST", "FAILED on ",
            "its worker ended without a result");
      } else {
        assertThat(said).as("the job is gone, and with it what became of it")
            .contains("failed BACKEND", "without running call 1 to the end");
      }
    }
  }
}
