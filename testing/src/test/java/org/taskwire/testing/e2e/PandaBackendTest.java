package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.AsyncResult;
import org.taskwire.FailureKind;
import org.taskwire.WorkFailedException;
import org.taskwire.WorkflowRun;
import org.taskwire.testing.panda.PandaEmulator;

/**
 * The panda backend against the emulator over real HTTP: jobs run in their own JVMs from the
 * sandbox the client uploaded, as a pilot runs them through runGen.
 */
@Timeout(240)
class PandaBackendTest {
  private static final String TOKEN = EmulatedPanda.TOKEN;
  @TempDir static Path root;
  private static EmulatedPanda panda;
  private static PandaEmulator emulator;

  @BeforeAll
  static void startEmulator() throws Exception {
    panda = EmulatedPanda.start(root);
    emulator = panda.emulator;
  }

  @AfterAll
  static void stopEmulator() {
    panda.close();
  }

  /** A JWT-shaped token that expires in a day; the emulator knows it by value. */
  static String jwt(String user) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    long exp = System.currentTimeMillis() / 1000 + 86_400;
    return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(("{\"sub\":\"" + user + "\",\"exp\":" + exp + "}").getBytes(StandardCharsets.UTF_8))
        + ".c2ln";
  }

  private static WorkflowRun.Builder panda() {
    return panda.run();
  }

  private static long lastTask() {
    List<Long> ids = emulator.taskIds();
    return ids.get(ids.size() - 1);
  }

  @Test
  void aFanOutRunsAsOneTaskWithOneJobPerCallAndSkipsTheSecondUpload() throws Exception {
    try (WorkflowRun run = panda().start()) {
      var results = ProbeTasks.squareMap(List.of(new ProbeTasks.SquareArgs(2), new ProbeTasks.SquareArgs(3),
          new ProbeTasks.SquareArgs(4)));
      assertThat(results.successes()).containsValues(4, 9, 16);
    }
    long task = lastTask();
    // A result travels before its job's JVM has exited and the pilot has reported.
    assertThat(emulator.awaitFinalJobs(task, java.time.Duration.ofSeconds(30))).isTrue();
    assertThat(emulator.jobStatuses(task).values()).hasSize(3).containsOnly("finished");
    Map<String, Object> params = emulator.taskParameters(task);
    assertThat(params).containsEntry("noInput", true).containsEntry("nFilesPerJob", 1).containsEntry("useSecrets", true)
        .containsEntry("prodSourceLabel", "user").containsEntry("userName", "Alice Smith");
    assertThat(params.get("jobParameters").toString()).as("no secret in the job parameters")
        .doesNotContain(emulator.secrets("Alice Smith").values().stream().findFirst().orElse("none"));
    int uploads = emulator.calls("file_server/upload_cache_file");
    int checks = emulator.calls("file_server/validate_cache_file");
    assertThat(uploads).as("the sandbox went to the cache (here or in an earlier test)").isGreaterThanOrEqualTo(1);

    try (WorkflowRun run = panda().start()) {
      assertThat(ProbeTasks.square(7)).isEqualTo(49);
    }
    assertThat(emulator.calls("file_server/upload_cache_file")).as("same code, no second upload").isEqualTo(uploads);
    assertThat(emulator.calls("file_server/validate_cache_file")).as("the cache was asked").isEqualTo(checks + 1);
    assertThat(emulator.secrets("Alice Smith")).as("the run's secret is removed when it closes").isEmpty();
  }

  @Test
  void largeArgumentsTravelInACallsFileInTheCache() throws Exception {
    List<String> words = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      words.add("word" + i);
    }
    try (WorkflowRun run = panda().start()) {
      Map<String, Integer> lengths = ProbeTasks.wordLengths(words);
      assertThat(lengths).hasSize(200).containsEntry("word199", 7);
    }
    assertThat(emulator.taskParameters(lastTask()).get("jobParameters").toString()).contains("--calls");
  }

  @Test
  void aJobThatFailsOnItsFirstAttemptIsRetriedByPandaAndSucceeds(@TempDir Path dir) throws Exception {
    String counter = dir.resolve("flaky.count").toString();
    try (WorkflowRun run = panda().start()) {
      assertThat(ProbeTasks.flaky(counter, 1)).isEqualTo("succeeded on attempt 2");
    }
    assertThat(emulator.awaitFinalJobs(lastTask(), java.time.Duration.ofSeconds(30))).isTrue();
    assertThat(emulator.jobStatuses(lastTask()).values()).containsExactly("failed", "finished");
  }

  @Test
  void aJobThatAlwaysFailsReportsItsErrorAndLog(@TempDir Path dir) throws Exception {
    String counter = dir.resolve("broken.count").toString();
    try (WorkflowRun run = panda().start()) {
      assertThatThrownBy(() -> ProbeTasks.flaky(counter, 99))
          .isInstanceOfSatisfying(WorkFailedException.class, e -> {
            assertThat(e.kind()).isEqualTo(FailureKind.WORK_THREW);
            assertThat(e.attempt()).isEqualTo(3);
            // The remote message is the exception's own, as on every backend; PanDA's account is apart.
            assertThat(e.remoteMessage()).isEqualTo("flaky failure number 3");
            assertThat(e.backendDetail()).hasValueSatisfying(d -> assertThat(d)
                .contains("PanDA job", "attempt 3 of 3", "payload error 5318"));
            assertThat(e.getMessage()).contains("flaky failure number 3", "payload error 5318");
            assertThat(e.logLocation()).hasValueSatisfying(log -> assertThat(log).contains("/logs/").endsWith("payload.stdout"));
          });
    }
    assertThat(emulator.jobStatuses(lastTask()).values()).containsExactly("failed", "failed", "failed");
  }

  @Test
  void aFailureNoAttemptCanMendEndsTheCallAtOnceAndPandasRetryJobIsKilled() throws Exception {
    try (WorkflowRun run = panda().start()) {
      assertThatThrownBy(ProbeTasks::opaqueWithAttemptsToSpare)
          .isInstanceOfSatisfying(WorkFailedException.class, e -> {
            assertThat(e.kind()).as(e.getMessage()).isEqualTo(FailureKind.RESULT_NOT_ENCODABLE);
            // The collector decides, not PanDA's maxAttempt: before, this ran all three attempts.
            assertThat(e.attempt()).isEqualTo(1);
            assertThat(e.backendDetail()).hasValueSatisfying(d -> assertThat(d).contains("attempt 1 of 3"));
          });
    }
    long task = lastTask();
    assertThat(emulator.awaitFinalJobs(task, java.time.Duration.ofSeconds(60))).isTrue();
    assertThat(emulator.jobStatuses(task).values()).as("PanDA did not run the attempts out")
        .filteredOn("failed"::equals).hasSizeLessThan(3);
  }

  @Test
  void aKilledClientIsResumedAndCollectsEveryResultWithoutANewJob(@TempDir Path dir) throws Exception {
    Path runs = dir.resolve("runs");
    Path counts = Files.createDirectories(dir.resolve("counts"));
    int n = 6;
    String[] config = clientConfig();
    int tasksBefore = emulator.taskIds().size();
    Process first = ClientToResume.start(dir, runs, counts, "-", n, 2000, "first", config);
    try {
      awaitSubmitted(first, dir.resolve("first.out"), runs, n, tasksBefore);
    } finally {
      first.destroyForcibly().waitFor();
    }
    long task = lastTask();
    // The grid goes on without the client: every job ends while nobody listens.
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (emulator.jobStatuses(task).size() < n) {
      assertThat(System.nanoTime()).as("JEDI makes the task's jobs").isLessThan(deadline);
      Thread.sleep(50);
    }
    assertThat(emulator.awaitFinalJobs(task, Duration.ofSeconds(120))).isTrue();
    assertThat(emulator.jobStatuses(task).values()).hasSize(n).containsOnly("finished");
    int tasks = emulator.taskIds().size();

    Process second = ClientToResume.start(dir, runs, counts, "last", n, 2000, "second", config);
    ClientToResume.assertSquares(second, dir, "second", n);
    assertThat(emulator.taskIds()).as("no new task").hasSize(tasks);
    assertThat(emulator.jobStatuses(task)).as("no new job").hasSize(n);
    try (var files = Files.list(counts)) {
      assertThat(files.filter(f -> !f.getFileName().toString().endsWith(".tmp")).count()).as("each call ran once")
          .isEqualTo(n);
    }
  }

  @Test
  void aTaskSubmittedAsTheClientDiedIsTakenUpByItsNameNotSubmittedAgain(@TempDir Path dir) throws Exception {
    Path runs = dir.resolve("runs");
    Path counts = Files.createDirectories(dir.resolve("counts"));
    int n = 4;
    String[] config = clientConfig();
    int tasksBefore = emulator.taskIds().size();
    Process first = ClientToResume.start(dir, runs, counts, "-", n, 3000, "first", config);
    try {
      awaitSubmitted(first, dir.resolve("first.out"), runs, n, tasksBefore);
    } finally {
      first.destroyForcibly().waitFor();
    }
    long task = lastTask();
    // As if the client had died between PanDA taking the task and the journal recording its id.
    Path journal;
    try (var all = Files.list(runs)) {
      journal = all.findFirst().orElseThrow().resolve("journal.jsonl");
    }
    List<String> kept = Files.readAllLines(journal).stream().filter(l -> !l.contains("\"type\":\"call-submitted\""))
        .toList();
    Files.write(journal, kept);
    int tasks = emulator.taskIds().size();

    Process second = ClientToResume.start(dir, runs, counts, "last", n, 3000, "second", config);
    ClientToResume.assertSquares(second, dir, "second", n);
    assertThat(emulator.taskIds()).as("the task is taken up by its name, not submitted again").hasSize(tasks);
    assertThat(emulator.jobStatuses(task)).hasSize(n);
  }

  @Test
  void taskwireKillStopsTheClientAndKillsItsPandaTasks(@TempDir Path dir) throws Exception {
    Path runs = dir.resolve("runs");
    Path counts = Files.createDirectories(dir.resolve("counts"));
    int tasksBefore = emulator.taskIds().size();
    Process client = ClientToResume.start(dir, runs, counts, "-", 3, 2000, "client", clientConfig());
    try {
      awaitSubmitted(client, dir.resolve("client.out"), runs, 3, tasksBefore);
      long task = lastTask();
      java.io.StringWriter out = new java.io.StringWriter();
      java.io.StringWriter err = new java.io.StringWriter();
      // The token is this machine's secret: the journal never holds it.
      int code = org.taskwire.cli.TaskwireCli.run(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true),
          "kill", "last", "--json", "--runs-dir", runs.toString(), "--set", "taskwire.panda.id-token=" + TOKEN);
      assertThat(code).as(err.toString()).isZero();
      assertThat(out.toString()).contains("client pid " + client.pid(), "PanDA task " + task);
      assertThat(Files.readString(runs.resolve(Files.list(runs).findFirst().orElseThrow().getFileName())
          .resolve("journal.jsonl"))).doesNotContain(TOKEN);
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!"aborted".equals(emulator.taskStatus(task)) && System.nanoTime() < end) {
        Thread.sleep(100);
      }
      assertThat(emulator.taskStatus(task)).isEqualTo("aborted");
      assertThat(emulator.secrets("Alice Smith")).as("the killed run's secret goes too").isEmpty();
    } finally {
      client.destroyForcibly();
    }
  }

  /** A child client's settings: those of {@link #panda()}, as ClientToResume takes them. */
  private static String[] clientConfig() {
    return new String[] {"taskwire.backend=panda", "taskwire.panda.url=" + emulator.url(), "taskwire.panda.auth=oidc",
        "taskwire.panda.vo=wlcg", "taskwire.panda.id-token=" + TOKEN, "taskwire.panda.poll-interval=PT0.3S",
        "taskwire.panda.result-grace=1s", "taskwire.sandbox.cache-dir=" + root.resolve("sandboxes"),
        "taskwire.progress=off"};
  }

  /** Waits until a child client has submitted its task to PanDA and journaled its n calls' submissions. */
  private static void awaitSubmitted(Process client, Path output, Path runs, int n, int tasksBefore) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (emulator.taskIds().size() == tasksBefore || !submittedInJournal(runs, n)) {
      assertThat(client.isAlive()).as("the client runs; it said: %s", Files.readString(output)).isTrue();
      assertThat(System.nanoTime()).as("the task is submitted within 2 minutes").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static boolean submittedInJournal(Path runs, int n) throws IOException {
    if (!Files.isDirectory(runs)) {
      return false;
    }
    try (var all = Files.list(runs)) {
      for (Path run : all.toList()) {
        Path journal = run.resolve("journal.jsonl");
        if (Files.exists(journal)
            && Files.readAllLines(journal).stream().filter(l -> l.contains("\"type\":\"call-submitted\"")).count() >= n) {
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void theTaskwireCommandShowsAPandaRunAndFetchesAFailedJobsLog(@TempDir Path dir) throws Exception {
    Path runs = dir.resolve("runs");
    String counter = dir.resolve("broken.count").toString();
    String id;
    try (WorkflowRun run = panda().set("taskwire.runs-dir", runs.toString()).start()) {
      id = run.runId();
      assertThat(ProbeTasks.square(6)).isEqualTo(36);
      assertThatThrownBy(() -> ProbeTasks.flaky(counter, 99)).isInstanceOf(WorkFailedException.class);
    }
    long task = lastTask();
    assertThat(org.taskwire.internal.journal.RecordedRun.read(runs.resolve(id).resolve("journal.jsonl")).start()
        .sandbox()).as("the journal records what code the run shipped").matches("[0-9a-f]{64}");
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    var runsJson = json.readTree(taskwire("runs", "--json", "--runs-dir", runs.toString()));
    assertThat(runsJson.get(0).get("runId").asText()).isEqualTo(id);
    assertThat(runsJson.get(0).get("backend").asText()).isEqualTo("panda");
    assertThat(runsJson.get(0).get("succeeded").asInt()).isEqualTo(1);
    assertThat(runsJson.get(0).get("failed").asInt()).isEqualTo(1);
    var show = json.readTree(taskwire("show", "last", "--json", "--runs-dir", runs.toString()));
    assertThat(show.get("tasks").get(1).get("handles").get(0).asText()).isEqualTo("PanDA task " + task);
    var failure = show.get("failures").get(0);
    assertThat(failure.get("kind").asText()).isEqualTo("WORK_THREW");
    assertThat(failure.get("attempt").asInt()).isEqualTo(3);
    assertThat(failure.get("backendDetail").asText()).contains("attempt 3 of 3", "payload error 5318");
    assertThat(failure.get("logLocation").asText()).startsWith(emulator.url().toString()).endsWith("payload.stdout");
    var logs = json.readTree(taskwire("logs", "last", failure.get("callId").asText(), "--json", "--runs-dir",
        runs.toString()));
    assertThat(logs.get("location").asText()).isEqualTo(failure.get("logLocation").asText());
    assertThat(logs.get("log").asText()).as("the job's own output, over HTTP").contains("flaky failure number 3");
    long squareCall = show.get("failures").get(0).get("callId").asLong() == 1 ? 2 : 1;
    var squareLog = json.readTree(taskwire("logs", "last", Long.toString(squareCall), "--json", "--runs-dir",
        runs.toString()));
    assertThat(squareLog.get("location").asText()).as("a successful job's log, from its journaled handle")
        .startsWith(emulator.url().toString()).endsWith("payload.stdout");
  }

  private static String taskwire(String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int code = org.taskwire.cli.TaskwireCli.run(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true),
        args);
    assertThat(code).as("taskwire %s: %s", String.join(" ", args), err).isZero();
    return out.toString();
  }

  @Test
  void cancelKillsTheTask() throws Exception {
    try (WorkflowRun run = panda().start()) {
      AsyncResult<Integer> slow = ProbeTasks.slowSquareAsync(5, 120_000);
      long task = waitForRunningJob();
      assertThat(slow.cancel(true)).isTrue();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!"aborted".equals(emulator.taskStatus(task)) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(emulator.taskStatus(task)).isEqualTo("aborted");
      assertThat(emulator.jobStatuses(task).values()).containsOnly("cancelled");
    }
  }

  @Test
  void closingBeforePandaHasRegisteredTheTaskStillKillsIt() throws Exception {
    int before = emulator.taskIds().size();
    long task;
    try (WorkflowRun run = panda().start()) {
      ProbeTasks.slowSquareAsync(6, 120_000);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (emulator.taskIds().size() == before && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      task = lastTask();
    }
    // A just-submitted task is "not found" until JEDI picks it up; close waited for that, then killed it.
    assertThat(emulator.taskStatus(task)).isIn("aborting", "aborted");
  }

  private static long waitForRunningJob() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      List<Long> ids = emulator.taskIds();
      if (!ids.isEmpty()) {
        long task = lastTask();
        if (emulator.jobStatuses(task).containsValue("running")) {
          return task;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no job started running");
  }

  @Test
  void withTheBrokerAndRelayUnreachableFromJobsResultsComeFromJobMetadata() throws Exception {
    emulator.interceptSecrets(secrets -> {
      Map<String, String> broken = new HashMap<>();
      // Grid nodes that cannot reach the client's broker or relay: both point at closed ports.
      secrets.forEach((k, v) -> broken.put(k, k.startsWith("TASKWIRE_RUN_") ? unreachable(v) : v));
      return broken;
    });
    try (WorkflowRun run = panda().start()) {
      assertThat(ProbeTasks.squareMap(List.of(new ProbeTasks.SquareArgs(6), new ProbeTasks.SquareArgs(8)))
          .successes()).containsValues(36, 64);
    } finally {
      emulator.interceptSecrets(s -> s);
    }
  }

  private static String unreachable(String secret) {
    try {
      var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
      Map<String, String> env = mapper.readValue(Base64.getDecoder().decode(secret),
          new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {});
      env.put("TASKWIRE_BROKER_URL", "stomp://127.0.0.1:1");
      env.put("TASKWIRE_RELAY_URL", "http://127.0.0.1:1/");
      return Base64.getEncoder().encodeToString(mapper.writeValueAsBytes(env));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
