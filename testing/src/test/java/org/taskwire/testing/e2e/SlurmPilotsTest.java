package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.AsyncMapResult;
import org.taskwire.FailureKind;
import org.taskwire.MapResult;
import org.taskwire.WorkFailedException;
import org.taskwire.WorkflowRun;
import org.taskwire.testing.slurm.SlurmCluster;

/** The slurm backend on a real single-node Slurm, in pilots mode (its default). */
@EnabledIf(value = "org.taskwire.testing.slurm.SlurmCluster#answersOrStarts", disabledReason = SlurmCluster.NOT_HERE)
@Timeout(300)
class SlurmPilotsTest {
  private static final Path SHARED = Path.of("target", "slurm").toAbsolutePath();

  private static WorkflowRun.Builder pilots() {
    return ProbeTasks.builder().backend("slurm")
        .set("taskwire.slurm.poll-interval", "PT0.5S")
        .set("taskwire.slurm.heartbeat", "1s")
        .set("taskwire.slurm.pilots-max", "2")
        .set("taskwire.slurm.shared-dir", SHARED.toString());
  }

  /** The run's pilot array tasks squeue lists in the given states, by job id. */
  private static Set<String> pilotJobs(String runId, String states) throws Exception {
    Set<String> ids = new TreeSet<>();
    for (String line : SlurmHere.jobs(runId, states)) {
      ids.add(line.substring(0, line.indexOf('|')));
    }
    return ids;
  }

  /** A condition that may throw, polled. */
  private interface Check {
    boolean holds() throws Exception;
  }

  /** Polls {@code check} every 100 ms until it holds, failing with {@code what} after {@code seconds}. */
  private static void await(String what, int seconds, Check check) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    while (!check.holds()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static void awaitNoJob(String runId) throws Exception {
    await("the run's pilots end within 30 s of its close", 30, () -> SlurmHere.jobs(runId, "PENDING,RUNNING").isEmpty());
  }

  /** How often each x ran: {@code countedSquare} leaves one file {@code <x>-<uuid>} per execution. */
  private static Map<Integer, Long> executions(Path counts) throws Exception {
    try (Stream<Path> all = Files.list(counts)) {
      return all.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".tmp"))
          .collect(java.util.stream.Collectors.groupingBy(n -> Integer.parseInt(n.substring(0, n.indexOf('-'))),
              java.util.TreeMap::new, java.util.stream.Collectors.counting()));
    }
  }

  private static AsyncMapResult<Integer, Integer> countedSquares(Path counts, int n, long millis) {
    return ProbeTasks.countedSquareMapAsync(IntStream.range(0, n).boxed().toList(),
        x -> new ProbeTasks.CountedSquareArgs(counts.toString(), x, millis));
  }

  private static void assertSquares(MapResult<Integer, Integer> squares, int n) {
    assertThat(squares.failures()).isEmpty();
    assertThat(squares.successes()).hasSize(n);
    squares.successes().forEach((x, v) -> assertThat(v).isEqualTo(x * x));
  }

  @Test
  void manyCallsRunOnAFewPilotsAndClosingTheRunLeavesNoJob(@TempDir Path counts, @TempDir Path runs) throws Exception {
    String runId;
    try (WorkflowRun run = pilots().set("taskwire.runs-dir", runs.toString()).start()) {
      runId = run.runId();
      int n = 40;
      assertSquares(countedSquares(counts, n, 0).await(), n);
      assertThat(pilotJobs(runId, "all")).as("pilots, not a job per call").hasSizeBetween(1, 2);
      assertThat(executions(counts).values()).as("each call ran once").hasSize(n).containsOnly(1L);
      String journal = Files.readString(runs.resolve(runId).resolve("journal.jsonl"));
      assertThat(journal).as("each call's handle names its pilot").contains("\"pilot\":\"");
    }
    awaitNoJob(runId);
  }

  @Test
  void aPilotCancelledInTheMiddleOfAFanOutLosesNoCall(@TempDir Path counts) throws Exception {
    int n = 10;
    try (WorkflowRun run = pilots().set("taskwire.work.countedSquare.max-attempts", "3").start()) {
      AsyncMapResult<Integer, Integer> squares = countedSquares(counts, n, 1500);
      await("two pilots run calls within 2 minutes", 120,
          () -> pilotJobs(run.runId(), "RUNNING").size() >= 2 && executions(counts).size() >= 2);
      String victim = pilotJobs(run.runId(), "RUNNING").iterator().next();
      assertThat(new ProcessBuilder("scancel", victim).start().waitFor()).isZero();

      assertSquares(squares.await(), n);
      Map<Integer, Long> ran = executions(counts);
      assertThat(ran).hasSize(n);
      assertThat(ran.values().stream().mapToLong(Long::longValue).sum())
          .as("only the call the cancelled pilot held ran twice").isBetween((long) n, (long) n + 1);
      assertThat(pilotJobs(run.runId(), "all")).as("a pilot took the cancelled one's place").hasSizeGreaterThan(2);
    }
  }

  @Test
  void aPilotWarnedOfItsWalltimesEndDrainsAndIsReplacedWithoutLosingACall(@TempDir Path counts) throws Exception {
    int n = 5;
    try (WorkflowRun run = pilots().set("taskwire.slurm.pilots-max", "1").start()) {
      AsyncMapResult<Integer, Integer> squares = countedSquares(counts, n, 1500);
      await("a pilot runs a call within 2 minutes", 120,
          () -> !pilotJobs(run.runId(), "RUNNING").isEmpty() && !executions(counts).isEmpty());
      String warned = pilotJobs(run.runId(), "RUNNING").iterator().next();
      // What Slurm sends at --signal=B:USR1@<seconds> before the walltime's end.
      assertThat(new ProcessBuilder("scancel", "--batch", "--signal=USR1", warned).start().waitFor()).isZero();

      assertSquares(squares.await(), n);
      assertThat(executions(counts).values()).as("draining loses no call: each ran once").hasSize(n).containsOnly(1L);
      assertThat(pilotJobs(run.runId(), "all")).as("another pilot took over").hasSizeGreaterThan(1);
      Path log = SHARED.resolve(run.runId()).resolve("pilots").resolve("pilot-" + warned + ".txt");
      assertThat(Files.readString(log)).contains("warned that the walltime ends soon; draining",
          "retired by the client; stopping");
    }
  }

  @Test
  void aCallPastItsWalltimeHasItsPilotEndedAndFailsAsSuch() throws Exception {
    try (WorkflowRun run = pilots().start()) {
      assertThatThrownBy(() -> ProbeTasks.overrunAsync().await(Duration.ofMinutes(2)))
          .isInstanceOfSatisfying(WorkFailedException.class, e -> {
            assertThat(e.kind()).isEqualTo(FailureKind.WORKER_LOST);
            assertThat(e.getMessage()).contains("pilot ", "was killed after the call exceeded its walltime of PT2S");
            assertThat(e.logLocation()).hasValueSatisfying(log -> assertThat(log).contains("pilot-"));
          });
      await("the overrunning pilot's job is cancelled", 30, () -> SlurmHere.jobs(run.runId(), "RUNNING").isEmpty());
    }
  }

  @Test
  void aRequestNoNodeCanMeetFailsWithSlurmsReasonNotAHang() {
    try (WorkflowRun run = pilots().set("taskwire.work.square.memory-mb", "99999999").start()) {
      assertThatThrownBy(() -> ProbeTasks.square(3))
          .isInstanceOfSatisfying(WorkFailedException.class, e -> {
            assertThat(e.kind()).isEqualTo(FailureKind.BACKEND);
            assertThat(e.getMessage()).contains("Slurm refused pilot jobs", "--mem=99999999M",
                "Requested node configuration is not available");
          });
    }
  }

  /**
   * Pilots whose wrapper cannot start (a class path entry that does not exist) would end one after
   * another for ever: the calls fail at once, in the wrapper's words from the pilot's log.
   */
  @Test
  void pilotsWhoseWrapperCannotStartFailTheirCallsAtOnceInItsWords() throws Exception {
    Path typo = SHARED.resolve("typo.jar");
    try (WorkflowRun run = pilots().set("taskwire.local.classpath",
        System.getProperty("java.class.path") + java.io.File.pathSeparator + typo).start()) {
      assertThatThrownBy(() -> ProbeTasks.squareAsync(3).await(Duration.ofMinutes(2)))
          .isInstanceOfSatisfying(WorkFailedException.class, e -> {
            assertThat(e.kind()).as(e.getMessage()).isEqualTo(FailureKind.BACKEND);
            assertThat(e.getMessage()).contains("ended before it could take a call",
                "taskwire-wrapper: cannot start (exit 12", "class path entry " + typo + " does not exist");
          });
      awaitNoJob(run.runId());
    }
  }

  /** .ci/slurm-service sets up a partition "short" with a one-minute limit, below the pilots' walltime. */
  @Test
  void pilotsThatCanNeverStartFailTheirCallsWithSlurmsReason() throws Exception {
    try (WorkflowRun run = pilots().set("taskwire.work.square.queue", "short")
        .set("taskwire.slurm.pending-timeout", "2s").start()) {
      assertThatThrownBy(() -> ProbeTasks.squareAsync(3).await(Duration.ofMinutes(2)))
          .isInstanceOfSatisfying(WorkFailedException.class, e -> {
            assertThat(e.kind()).isEqualTo(FailureKind.BACKEND);
            assertThat(e.getMessage()).contains("PENDING", "(PartitionTimeLimit)", "pending for more than PT2S");
          });
      awaitNoJob(run.runId());
    }
  }

  @Test
  void aKilledClientIsResumedAndItsPilotsComeBackToIt(@TempDir Path dir) throws Exception {
    Path runs = dir.resolve("runs");
    Path counts = Files.createDirectories(dir.resolve("counts"));
    String[] config = {"taskwire.backend=slurm", "taskwire.slurm.poll-interval=PT0.5S", "taskwire.progress=off",
        "taskwire.slurm.pilots-max=2", "taskwire.slurm.heartbeat=1s", "taskwire.slurm.shared-dir=" + SHARED};
    int n = 8;
    Process first = ClientToResume.start(dir, runs, counts, "-", n, 2000, "first", config);
    Set<String> before;
    Path journal;
    long killedAt;
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (ResumeTest.recorded(runs, "call-succeeded") < 2) {
        assertThat(first.isAlive()).as("the first client runs; it said: %s",
            Files.readString(dir.resolve("first.out"))).isTrue();
        assertThat(System.nanoTime()).as("two calls finish within 2 minutes").isLessThan(deadline);
        Thread.sleep(50);
      }
    } finally {
      first.destroyForcibly().waitFor();
    }
    try (Stream<Path> all = Files.list(runs)) {
      journal = all.filter(Files::isDirectory).findFirst().orElseThrow().resolve("journal.jsonl");
    }
    killedAt = Files.size(journal);
    String runId = journal.getParent().getFileName().toString();
    before = pilotJobs(runId, "RUNNING");
    assertThat(before).as("a killed client leaves its pilots running").isNotEmpty();

    Process second = ClientToResume.start(dir, runs, counts, "last", n, 2000, "second", config);
    ClientToResume.assertSquares(second, dir, "second", n);
    Map<Integer, Long> ran = executions(counts);
    assertThat(ran).hasSize(n);
    assertThat(ran.values().stream().mapToLong(Long::longValue).sum())
        .as("no call that had finished ran again; at most the two running at the kill did").isLessThanOrEqualTo(n + 2);
    String after = Files.readString(journal).substring((int) killedAt);
    Matcher m = Pattern.compile("\"pilot\":\"([^\"]+)\"").matcher(after);
    Set<String> served = new TreeSet<>();
    while (m.find()) {
      served.add(m.group(1));
    }
    assertThat(served).as("the resumed client's calls ran on the pilots of the killed one").isNotEmpty()
        .isSubsetOf(before);
    awaitNoJob(runId);
  }

  @Test
  void pilotsRefuseAConnectionThatCannotProveItHoldsTheRunsKey() throws Exception {
    try (WorkflowRun run = pilots().start()) {
      assertThat(ProbeTasks.square(4)).isEqualTo(16);
      Path transport = SHARED.resolve(run.runId()).resolve("transport.env");
      String address = Files.readAllLines(transport).stream().filter(l -> l.contains("TASKWIRE_PILOT_ADDRESS"))
          .map(l -> l.substring(l.indexOf('=') + 1).replace("'", "")).findFirst().orElseThrow();
      int colon = address.lastIndexOf(':');
      try (java.net.Socket s = new java.net.Socket(address.substring(0, colon),
          Integer.parseInt(address.substring(colon + 1)))) {
        s.setSoTimeout(15_000);
        var in = new java.io.DataInputStream(s.getInputStream());
        var out = new java.io.DataOutputStream(s.getOutputStream());
        var challenge = org.taskwire.internal.backend.serve.WireFormat.read(in);
        assertThat(challenge.tag()).isEqualTo(org.taskwire.internal.backend.serve.WireFormat.CHALLENGE);
        org.taskwire.internal.backend.serve.WireFormat.write(out, org.taskwire.internal.backend.serve.WireFormat.HELLO,
            new org.taskwire.internal.backend.serve.WireFormat.PilotHello(run.runId(), "1_0", "intruder", 1, 0,
                "q-m256-c1", java.util.Base64.getEncoder().encodeToString(new byte[32])));
        assertThat(in.read()).as("the client hangs up on a forged pilot, sending it no call").isEqualTo(-1);
      }
      assertThat(ProbeTasks.square(5)).as("the run goes on").isEqualTo(25);
    }
  }

  /** A silent pilot (stopped, as a hung node would be) is taken for lost after three missed heartbeats. */
  @Test
  void aPilotThatFallsSilentIsTakenForLostAndItsCallRunsElsewhere(@TempDir Path counts, @TempDir Path runs)
      throws Exception {
    try (WorkflowRun run = pilots().set("taskwire.work.countedSquare.max-attempts", "2")
        .set("taskwire.runs-dir", runs.toString()).start()) {
      AsyncMapResult<Integer, Integer> squares = countedSquares(counts, 1, 20_000);
      await("the call starts within 2 minutes", 120, () -> !executions(counts).isEmpty());
      // The pilot's JVM is the one whose command names this run's transport file.
      Process pgrep = new ProcessBuilder("pgrep", "-f", "[-]-pilot .*" + run.runId()).start();
      List<String> pids = new String(pgrep.getInputStream().readAllBytes()).lines().toList();
      assertThat(pids).hasSize(1);
      assertThat(new ProcessBuilder("kill", "-STOP", pids.get(0)).start().waitFor()).isZero();
      MapResult<Integer, Integer> outcome = squares.await();
      assertSquares(outcome, 1);
      assertThat(executions(counts)).containsEntry(0, 2L);
      Matcher m = Pattern.compile("\"attempt\":(\\d),\"handle\":\\{[^}]*\"pilot\":\"([^\"]+)\"")
          .matcher(Files.readString(runs.resolve(run.runId()).resolve("journal.jsonl")));
      Map<String, String> pilotOfAttempt = new java.util.TreeMap<>();
      while (m.find()) {
        pilotOfAttempt.put(m.group(1), m.group(2));
      }
      assertThat(pilotOfAttempt).as("the second attempt ran on another pilot").containsOnlyKeys("1", "2");
      assertThat(pilotOfAttempt.get("2")).isNotEqualTo(pilotOfAttempt.get("1"));
    }
  }

  /** The JVM's own heap limit (¾ of memoryMb), and Slurm's --mem, enforced here by polling each job's memory. */
  @ParameterizedTest
  @ValueSource(strings = {"hog", "hogNative"})
  void aCallThatRunsOutOfMemoryFailsAsSuchWithoutARetry(String work) {
    try (WorkflowRun run = pilots().set("taskwire.work." + work + ".max-attempts", "3").start()) {
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call = work.equals("hog") ? ProbeTasks::hog : ProbeTasks::hogNative;
      assertThatThrownBy(call)
          .isInstanceOfSatisfying(WorkFailedException.class, e -> {
            assertThat(e.kind()).as("not a lost worker, which would be retried").isEqualTo(FailureKind.BACKEND);
            assertThat(e.getMessage()).contains("It ran out of memory (memoryMb 256): raise the work's memoryMb");
            assertThat(e.getMessage()).contains(work.equals("hog") ? "java.lang.OutOfMemoryError" : "Exceeded job memory limit");
          });
    }
  }
}
