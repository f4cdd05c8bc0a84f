package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.WorkflowRun;
import org.taskwire.cli.TaskwireCli;

/** The {@code taskwire} command over real runs' journals, text and {@code --json}. */
@Timeout(180)
class CliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  /** What one command printed, and its exit code. */
  record Result(int code, String out, String err) {
    JsonNode json() throws Exception {
      return JSON.readTree(out);
    }
  }

  private Result taskwire(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = TaskwireCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  private String localRunWithAFailure(Path runs) {
    try (WorkflowRun run = ProbeTasks.builder().backend("local").set("taskwire.local.workers", "1")
        .set("taskwire.runs-dir", runs.toString()).set("taskwire.local.log-dir", dir.resolve("logs").toString())
        .set("taskwire.progress", "off").start()) {
      var results = ProbeTasks.evenOnlyMap(List.of(new ProbeTasks.EvenOnlyArgs(4), new ProbeTasks.EvenOnlyArgs(3)));
      assertThat(results.successes()).hasSize(1);
      return run.runId();
    }
  }

  @Test
  void runsShowLogsAndWatchReadALocalRun() throws Exception {
    Path runs = dir.resolve("runs");
    String id = localRunWithAFailure(runs);

    Result list = taskwire("runs", "--json", "--runs-dir", runs.toString());
    assertThat(list.code()).isZero();
    JsonNode first = list.json().get(0);
    assertThat(first.get("runId").asText()).isEqualTo(id);
    assertThat(first.get("workflow").asText()).isEqualTo("probe");
    assertThat(first.get("backend").asText()).isEqualTo("local");
    assertThat(first.get("state").asText()).isEqualTo("closed");
    assertThat(first.get("calls").asInt()).isEqualTo(2);
    assertThat(first.get("succeeded").asInt()).isEqualTo(1);
    assertThat(first.get("failed").asInt()).isEqualTo(1);
    assertThat(taskwire("runs", "--runs-dir", runs.toString()).out()).contains(id.substring(0, 12), "probe", "closed");

    Result show = taskwire("show", id.substring(0, 6), "--json", "--runs-dir", runs.toString());
    assertThat(show.code()).as(show.err()).isZero();
    JsonNode failure = show.json().get("failures").get(0);
    assertThat(failure.get("kind").asText()).isEqualTo("WORK_THREW");
    assertThat(failure.get("message").asText()).isEqualTo("odd input 3");
    assertThat(failure.get("attempt").asInt()).isEqualTo(1);
    assertThat(show.json().get("tasks").get(0).get("work").asText()).isEqualTo("evenOnly");
    assertThat(taskwire("show", "last", "--runs-dir", runs.toString()).out())
        .contains("evenOnly      2 calls: 1 succeeded, 1 failed", "WORK_THREW: odd input 3", "log: ")
        .doesNotContain("task 1");
    assertThat(taskwire("show", "last", "--tasks", "--runs-dir", runs.toString()).out())
        .contains("task 1 evenOnly: 2 calls, 1 succeeded, 1 failed");

    long failedCall = failure.get("callId").asLong();
    Result logs = taskwire("logs", "last", Long.toString(failedCall), "--runs-dir", runs.toString());
    assertThat(logs.code()).as(logs.err()).isZero();
    assertThat(logs.out()).contains("odd input 3", ">>> call " + failedCall + " attempt 1");
    // One worker ran both calls: each call's log is its own lines, the whole log on request.
    long succeededCall = failedCall == 1 ? 2 : 1;
    Result ownLines = taskwire("logs", "last", Long.toString(succeededCall), "--runs-dir", runs.toString());
    assertThat(ownLines.code()).as(ownLines.err()).isZero();
    assertThat(ownLines.out()).contains(">>> call " + succeededCall + " attempt 1", "<<< call " + succeededCall)
        .doesNotContain("odd input 3", ">>> call " + failedCall);
    assertThat(taskwire("logs", "last", Long.toString(succeededCall), "--all", "--runs-dir", runs.toString()).out())
        .contains("odd input 3", ">>> call " + succeededCall);
    assertThat(taskwire("logs", "last", Long.toString(failedCall), "--json", "--runs-dir", runs.toString()).json()
        .get("log").asText()).contains("odd input 3");

    Result watch = taskwire("watch", "last", "--runs-dir", runs.toString());
    assertThat(watch.code()).as("a run with a failed call").isEqualTo(1);
    assertThat(watch.out()).contains("2/2 calls known done, 1 failed", "by step: evenOnly 2/2 (1 failed)",
        "run " + id + " is closed");
  }

  /**
   * A multi-step run as {@code show}, {@code runs} and {@code watch} see it while it runs and
   * after: calls by step, those still waiting for inputs, and those that never ran because an
   * input failed.
   */
  @Test
  void showCountsAMultiStepRunByStepWithWaitingAndNeverRunCalls() throws Exception {
    Path runs = dir.resolve("runs");
    Path gate = Files.createDirectories(dir.resolve("gate"));
    List<Steps.Point> grid = List.of(new Steps.Point("pi+", 0.1), new Steps.Point("fail", 0.2),
        new Steps.Point("hold", 0.3));
    String id;
    CompletableFuture<Result> watched;
    try (WorkflowRun run = StepsTasks.builder().backend("inprocess").set("taskwire.inprocess.threads", "3")
        .set("taskwire.runs-dir", runs.toString()).set("taskwire.progress", "off").start()) {
      id = run.runId();
      var parents = StepsTasks.parentMapAsync(grid, p -> new StepsTasks.ParentArgs(p, gate.toString()));
      var children = StepsTasks.childMapAsync(grid,
          p -> new StepsTasks.ChildIn(org.taskwire.In.of(p), parents.at(p), org.taskwire.In.of(gate.toString())));
      var merged = StepsTasks.mergeAsync(children.values());
      assertThat(children.at(new Steps.Point("pi+", 0.1)).await()).isNotNull();
      // While hold's parent runs, its child and the merge wait for their inputs; fail's child never runs.
      JsonNode during = awaitJson(runs, id, j -> j.get("waiting").asInt() == 2 && j.get("notRun").asInt() == 1);
      assertThat(during.get("state").asText()).isEqualTo("running");
      assertThat(during.get("calls").asInt()).as("3 parents, 3 children, the merge").isEqualTo(7);
      assertThat(during.has("tasks")).as("runs --json is a summary").isFalse();
      StringWriter watchOut = new StringWriter();
      watched = CompletableFuture.supplyAsync(() -> new Result(TaskwireCli.run(new PrintWriter(watchOut, true),
          new PrintWriter(new StringWriter(), true), "watch", id, "--json", "--interval", "PT0.05S", "--runs-dir",
          runs.toString()), watchOut.toString(), ""));
      // The journal records the waiting calls at most every 250 ms, so a line may show the moment before
      // the merge was counted: watch's lines are read until they show the steps settled.
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      java.util.Map<String, JsonNode> watchedSteps = new java.util.HashMap<>();
      JsonNode settled = null;
      while (settled == null || watchedSteps.get("merge") == null
          || watchedSteps.get("merge").get("waiting").asInt() != 1) {
        assertThat(System.nanoTime()).as("watch printed a line with the merge waiting; it printed: %s", watchOut)
            .isLessThan(deadline);
        Thread.sleep(20);
        java.util.List<String> lines = watchOut.toString().lines().filter(l -> l.endsWith("}")).toList();
        if (!lines.isEmpty()) {
          settled = JSON.readTree(lines.get(lines.size() - 1));
          watchedSteps.clear();
          settled.get("steps").forEach(s -> watchedSteps.put(s.get("work").asText(), s));
        }
      }
      assertThat(settled.get("waiting").asInt()).isEqualTo(2);
      assertThat(settled.get("calls").asInt()).isEqualTo(7);
      assertThat(watchedSteps.get("child").get("waiting").asInt()).as("hold's child").isEqualTo(1);
      assertThat(watchedSteps.get("child").get("notRun").asInt()).as("fail's child").isEqualTo(1);
      assertThat(watchedSteps.get("merge").get("waiting").asInt()).isEqualTo(1);
      Files.writeString(gate.resolve("release"), "");
      org.assertj.core.api.Assertions.assertThatThrownBy(merged::await).isInstanceOf(org.taskwire.WorkFailedException.class);
    } finally {
      Files.writeString(gate.resolve("release"), "");
    }
    Result watch = watched.get();
    assertThat(watch.code()).as("calls never ran because an input failed").isEqualTo(1);
    Result show = taskwire("show", id, "--json", "--runs-dir", runs.toString());
    assertThat(show.code()).as(show.err()).isZero();
    java.util.Map<String, JsonNode> steps = new java.util.HashMap<>();
    show.json().get("steps").forEach(s -> steps.put(s.get("work").asText(), s));
    assertThat(steps.get("parent").get("succeeded").asInt()).isEqualTo(2);
    assertThat(steps.get("parent").get("failed").asInt()).isEqualTo(1);
    assertThat(steps.get("child").get("succeeded").asInt()).isEqualTo(2);
    assertThat(steps.get("child").get("notRun").asInt()).isEqualTo(1);
    assertThat(steps.get("merge").get("notRun").asInt()).isEqualTo(1);
    assertThat(show.json().get("waiting").asInt()).isZero();
    assertThat(taskwire("show", id, "--runs-dir", runs.toString()).out())
        .contains("calls: 7 known: 4 succeeded, 1 failed, 2 never ran (an input failed)",
            "child       3 calls: 2 succeeded, 1 never ran (an input failed)");
  }

  private JsonNode awaitJson(Path runs, String id, java.util.function.Predicate<JsonNode> until) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      Result r = taskwire("runs", "--json", "--runs-dir", runs.toString());
      for (JsonNode run : r.json()) {
        if (run.get("runId").asText().equals(id) && until.test(run)) {
          return run;
        }
      }
      assertThat(System.nanoTime()).as("the run's journal never said so: %s", r.out()).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** A run whose backend cannot start is recorded as failed, with its error. */
  @Test
  void aRunThatFailsToStartIsRecordedAsFailedWithItsError() throws Exception {
    Path runs = dir.resolve("runs");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProbeTasks.builder().backend("local")
        .set("taskwire.local.workers", "1").set("taskwire.local.classpath", dir.resolve("no-such.jar").toString())
        .set("taskwire.local.sandbox", "true").set("taskwire.sandbox.cache-dir", dir.resolve("sb").toString())
        .set("taskwire.runs-dir", runs.toString()).set("taskwire.progress", "off").start().close())
        .isInstanceOf(RuntimeException.class);
    JsonNode run = taskwire("runs", "--json", "--runs-dir", runs.toString()).json().get(0);
    assertThat(run.get("state").asText()).isEqualTo("failed");
    assertThat(run.get("error").asText()).isNotBlank();
    Result show = taskwire("show", "last", "--runs-dir", runs.toString());
    assertThat(show.out()).contains("failed", "it failed to start: " + run.get("error").asText());
    assertThat(taskwire("watch", "last", "--runs-dir", runs.toString()).code()).isEqualTo(1);
  }

  @Test
  void everyCommandTakesHelp() {
    for (String command : List.of("runs", "show", "watch", "logs", "kill", "gc")) {
      Result help = taskwire(command, "--help");
      assertThat(help.code()).as(command + " --help: " + help.err()).isZero();
      assertThat(help.out()).as(command).contains("Usage: taskwire " + command);
      Result viaHelp = taskwire("help", command);
      assertThat(viaHelp.code()).as("help " + command + ": " + viaHelp.err()).isZero();
      assertThat(viaHelp.out()).contains("Usage: taskwire " + command);
    }
  }

  @Test
  void watchFollowsARunFromAnotherThreadUntilItCloses() throws Exception {
    Path runs = dir.resolve("runs");
    CompletableFuture<Result> watched;
    try (WorkflowRun run = ProbeTasks.builder().backend("inprocess").set("taskwire.inprocess.threads", "2")
        .set("taskwire.runs-dir", runs.toString()).set("taskwire.progress", "off").start()) {
      List<ProbeTasks.SlowSquareArgs> calls = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        calls.add(new ProbeTasks.SlowSquareArgs(i, 100));
      }
      watched = CompletableFuture.supplyAsync(() -> taskwire("watch", run.runId(), "--json", "--interval", "PT0.05S",
          "--runs-dir", runs.toString()));
      assertThat(ProbeTasks.slowSquareMap(calls).successes()).hasSize(20);
    }
    Result watch = watched.get();
    assertThat(watch.code()).as(watch.err()).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : watch.out().split("\n")) {
      lines.add(JSON.readTree(line));
    }
    assertThat(lines.get(0).get("state").asText()).isEqualTo("running");
    assertThat(lines).as("progress seen while it ran").hasSizeGreaterThan(2);
    JsonNode last = lines.get(lines.size() - 1);
    assertThat(last.get("state").asText()).isEqualTo("closed");
    assertThat(last.get("succeeded").asInt()).isEqualTo(20);
  }

  @Test
  void killStopsARunningClientAndLeavesTheRunInterrupted() throws Exception {
    Path runs = dir.resolve("runs");
    Path counts = Files.createDirectories(dir.resolve("counts"));
    Process client = ClientToResume.start(dir, runs, counts, "-", 4, 600_000, "client", "taskwire.backend=local",
        "taskwire.local.workers=2");
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (countFiles(counts) < 2) {
        assertThat(System.nanoTime()).as("two calls started; the client said %s",
            Files.exists(dir.resolve("client.out")) ? Files.readString(dir.resolve("client.out")) : "").isLessThan(deadline);
        Thread.sleep(50);
      }
      assertThat(taskwire("runs", "--json", "--runs-dir", runs.toString()).json().get(0).get("state").asText())
          .isEqualTo("running");
      Result kill = taskwire("kill", "last", "--json", "--runs-dir", runs.toString());
      assertThat(kill.code()).as(kill.err()).isZero();
      assertThat(kill.json().get("killed").get(0).asText()).isEqualTo("client pid " + client.pid());
      assertThat(client.onExit()).succeedsWithin(Duration.ofSeconds(20));
      JsonNode after = taskwire("runs", "--json", "--runs-dir", runs.toString()).json().get(0);
      assertThat(after.get("state").asText()).isEqualTo("interrupted");
      assertThat(taskwire("show", "last", "--runs-dir", runs.toString()).out()).contains("interrupted",
          "resume it by running the program again with -Dtaskwire.resume=" + after.get("runId").asText());
    } finally {
      client.destroyForcibly();
    }
  }

  private static long countFiles(Path dir) throws Exception {
    try (var all = Files.list(dir)) {
      return all.filter(p -> !p.getFileName().toString().endsWith(".tmp")).count();
    }
  }

  @Test
  void theLauncherRunsTheBuiltJarAsTheReadmeSays() throws Exception {
    Path runs = dir.resolve("runs");
    String id = localRunWithAFailure(runs);
    Path launcher = Path.of("..", "cli", "bin", "taskwire").toAbsolutePath().normalize();
    Process runsCommand = new ProcessBuilder(launcher.toString(), "runs", "--runs-dir", runs.toString())
        .redirectErrorStream(true).start();
    String output = new String(runsCommand.getInputStream().readAllBytes());
    assertThat(runsCommand.waitFor()).as(output).isZero();
    assertThat(output).contains(id.substring(0, 12), "probe", "local", "closed");

    ProcessBuilder missing = new ProcessBuilder(launcher.toString(), "runs").redirectErrorStream(true);
    missing.environment().put("TASKWIRE_CLI_JAR", dir.resolve("nowhere.jar").toString());
    Process noJar = missing.start();
    String said = new String(noJar.getInputStream().readAllBytes());
    assertThat(noJar.waitFor()).isEqualTo(2);
    assertThat(said).contains("nowhere.jar is missing; build it with ./mvnw -q install -DskipTests");
  }

  /**
   * gc keeps what may still be wanted: an interrupted run (resumable) unless asked, and the
   * sandbox a kept run uses; it removes a removed run's worker logs with it.
   */
  @Test
  void gcKeepsInterruptedRunsAndTheirSandboxesAndRemovesTheLogsOfRunsItRemoves() throws Exception {
    Path runs = dir.resolve("runs");
    String interrupted = localRunWithAFailure(runs);
    String closed = localRunWithAFailure(runs);
    Path journal = runs.resolve(interrupted).resolve("journal.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(journal));
    assertThat(lines.remove(lines.size() - 1)).contains("run-closed");
    // The interrupted run shipped a sandbox: its run-started line names its content key.
    var started = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(lines.get(0));
    started.put("sandbox", "kept");
    lines.set(0, JSON.writeValueAsString(started));
    Files.write(journal, lines);
    Path sandboxes = Files.createDirectories(dir.resolve("sandboxes"));
    Files.writeString(sandboxes.resolve("built-kept"), "sources.aaaa.tar.gz");
    Files.writeString(sandboxes.resolve("sources.aaaa.tar.gz"), "in use");
    Files.createDirectories(sandboxes.resolve("extracted").resolve("aaaa"));
    Files.writeString(sandboxes.resolve("built-old"), "sources.bbbb.tar.gz");
    Files.writeString(sandboxes.resolve("sources.bbbb.tar.gz"), "unused");
    Files.createDirectories(sandboxes.resolve("extracted").resolve("bbbb"));
    Path logs = Files.createTempDirectory("taskwire-" + closed.substring(0, 8) + "-");
    Files.writeString(logs.resolve("worker-1.log"), "a worker's log");
    Instant old = Instant.now().minus(Duration.ofDays(40));
    try (var all = Files.walk(sandboxes)) {
      for (Path p : all.toList()) {
        Files.setLastModifiedTime(p, FileTime.from(old));
      }
    }
    for (Path p : List.of(journal, runs.resolve(closed).resolve("journal.jsonl"), logs)) {
      Files.setLastModifiedTime(p, FileTime.from(old));
    }
    System.setProperty("taskwire.sandbox.cache-dir", sandboxes.toString());
    try {
      Result gc = taskwire("gc", "--older-than", "30d", "--runs-dir", runs.toString());
      assertThat(gc.code()).as(gc.err()).isZero();
      assertThat(runs.resolve(closed)).doesNotExist();
      assertThat(logs).as("the removed run's worker logs").doesNotExist();
      assertThat(runs.resolve(interrupted)).as("an interrupted run can be resumed").exists();
      assertThat(sandboxes.resolve("sources.aaaa.tar.gz")).exists();
      assertThat(sandboxes.resolve("built-kept")).exists();
      assertThat(sandboxes.resolve("extracted").resolve("aaaa")).exists();
      assertThat(sandboxes.resolve("sources.bbbb.tar.gz")).doesNotExist();
      assertThat(sandboxes.resolve("extracted").resolve("bbbb")).doesNotExist();

      Result all = taskwire("gc", "--older-than", "30d", "--interrupted", "--runs-dir", runs.toString());
      assertThat(all.code()).as(all.err()).isZero();
      assertThat(runs.resolve(interrupted)).doesNotExist();
    } finally {
      System.clearProperty("taskwire.sandbox.cache-dir");
    }
  }

  @Test
  void gcRemovesOldRunsOnlyAndBadInputIsNamed() throws Exception {
    Path runs = dir.resolve("runs");
    String old = localRunWithAFailure(runs);
    String young = localRunWithAFailure(runs);
    Files.setLastModifiedTime(runs.resolve(old).resolve("journal.jsonl"),
        FileTime.from(Instant.now().minus(Duration.ofDays(40))));

    Result dry = taskwire("gc", "--dry-run", "--json", "--runs-dir", runs.toString());
    assertThat(dry.json().get("removed")).hasSize(1);
    assertThat(runs.resolve(old)).exists();
    Result gc = taskwire("gc", "--older-than", "30d", "--json", "--runs-dir", runs.toString());
    assertThat(gc.code()).as(gc.err()).isZero();
    assertThat(gc.json().get("removed").get(0).get("path").asText()).isEqualTo(runs.resolve(old).toString());
    assertThat(runs.resolve(old)).doesNotExist();
    assertThat(runs.resolve(young)).exists();

    Result missing = taskwire("show", "nosuchrun", "--runs-dir", runs.toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("no run in " + runs + " has an id starting with 'nosuchrun'");
    Result badCall = taskwire("logs", young, "99", "--runs-dir", runs.toString());
    assertThat(badCall.code()).isEqualTo(2);
    assertThat(badCall.err()).contains("has no call 99");
    assertThat(taskwire("gc", "--older-than", "soon", "--runs-dir", runs.toString()).err()).contains("malformed");
  }
}
