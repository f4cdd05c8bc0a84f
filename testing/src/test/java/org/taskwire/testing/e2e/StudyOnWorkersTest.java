package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.WorkflowRun;
import org.taskwire.internal.journal.RecordedRun;
import org.taskwire.optimize.Optimizer;
import org.taskwire.optimize.Optimizers;
import org.taskwire.optimize.Study;
import org.taskwire.optimize.Trial;
import org.taskwire.optimize.TrialRecord;
import org.taskwire.optimize.TrialStatus;

/**
 * Optimisation studies whose trials are Taskwire calls on local worker JVMs: four trials in flight,
 * and a study killed with {@code kill -9} and resumed, the study and the run together.
 */
@Timeout(300)
class StudyOnWorkersTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  static double branin(Trial t) {
    double x1 = t.number("x1");
    double x2 = t.number("x2");
    double a = x2 - 5.1 / (4 * Math.PI * Math.PI) * x1 * x1 + 5 / Math.PI * x1 - 6;
    return a * a + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
  }

  /** The study's journal, one JSON object per line. */
  private static List<JsonNode> journal(Path study) throws IOException {
    Path file = study.resolve(Study.JOURNAL);
    List<JsonNode> lines = new ArrayList<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file)) {
        if (line.endsWith("}")) {
          lines.add(JSON.readTree(line));
        }
      }
    }
    return lines;
  }

  private static Set<Integer> trials(List<JsonNode> journal, String event) {
    Set<Integer> ids = new HashSet<>();
    journal.stream().filter(e -> e.get("event").asText().equals(event)).forEach(e -> ids.add(e.get("trial").asInt()));
    return ids;
  }

  /** The worker's marks: per trial, the times of each start or end. */
  private static Map<Integer, List<Long>> marks(Path marks, String kind) throws IOException {
    Map<Integer, List<Long>> times = new HashMap<>();
    try (Stream<Path> all = Files.list(marks)) {
      for (Path p : all.filter(p -> p.getFileName().toString().startsWith(kind + "-")).toList()) {
        int trial = Integer.parseInt(p.getFileName().toString().split("-")[1]);
        times.computeIfAbsent(trial, t -> new ArrayList<>()).add(Long.parseLong(Files.readString(p)));
      }
    }
    return times;
  }

  private static void assertEveryTrialCompletedWithItsBraninValue(Optimizer o, int budget) {
    assertThat(o.trials()).hasSize(budget).allSatisfy(r -> {
      assertThat(r.status()).isEqualTo(TrialStatus.COMPLETED);
      assertThat(r.measurements().get("branin").mean()).isCloseTo(branin(r.trial()), Offset.offset(1e-9));
    });
  }

  @Test
  void aStudyKeepsFourTrialsInFlightOnLocalWorkers() throws Exception {
    Path marks = Files.createDirectories(dir.resolve("marks"));
    Path studyDir = dir.resolve("study");
    int budget = 12;
    Optimizer done;
    try (WorkflowRun run = TrialsTasks.builder().backend("local").set("taskwire.local.workers", "4")
        .set("taskwire.local.batch", "1").set("taskwire.runs-dir", dir.resolve("runs").toString())
        .set("taskwire.progress", "off").start()) {
      done = StudyClient.study(studyDir, marks.toString(), budget, 150).run();
    }
    assertEveryTrialCompletedWithItsBraninValue(done, budget);
    // Trials 0-3 wait for one another in their workers: they succeeded, so four ran at once.
    // The journal: the first four asked one after another, then each ask came with three running.
    List<JsonNode> asks = journal(studyDir).stream().filter(e -> e.get("event").asText().equals("asked")).toList();
    assertThat(asks).hasSize(budget);
    for (int i = 0; i < budget; i++) {
      assertThat(asks.get(i).get("running").size()).as("trials running when trial %d was asked", i)
          .isEqualTo(Math.min(i, 3));
    }
    // The workers' own times: never more than four evaluations at once.
    List<long[]> edges = new ArrayList<>();
    marks(marks, "start").values().forEach(ts -> ts.forEach(t -> edges.add(new long[] {t, 1})));
    marks(marks, "end").values().forEach(ts -> ts.forEach(t -> edges.add(new long[] {t, -1})));
    edges.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    int now = 0;
    int most = 0;
    for (long[] e : edges) {
      now += (int) e[1];
      most = Math.max(most, now);
    }
    assertThat(most).as("evaluations running at once in the workers").isEqualTo(4);
  }

  /**
   * Trials that are DAGs (parents, one-to-one children, a merge): the study asks for the next trial
   * the moment one design point's merge ends. The second trial's parent holds until the third
   * trial starts, which only a refill on the first trial's end can bring about.
   */
  @Test
  void aStudyOfDagTrialsAsksTheNextTheMomentOneDesignPointsMergeEnds() throws Exception {
    Path gate = Files.createDirectories(dir.resolve("gate"));
    Path studyDir = dir.resolve("dag-study");
    java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();
    Optimizer done;
    try (WorkflowRun run = StepsTasks.builder().backend("inprocess").set("taskwire.inprocess.threads", "4")
        .set("taskwire.runs-dir", dir.resolve("runs").toString()).set("taskwire.progress", "off").start()) {
      Optimizer random = Optimizers.random(org.taskwire.optimize.SearchSpace.builder().range("x", 0, 1).build(),
          List.of(org.taskwire.optimize.Objective.minimize("y")), 7);
      done = Study.builder(random, trial -> {
        int n = started.incrementAndGet();
        if (n == 3) {
          try {
            Files.writeString(gate.resolve("release"), "");
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
        List<Steps.Point> points = List.of(new Steps.Point(n == 2 ? "hold" : "pi+", 0.1), new Steps.Point("pi+", 0.2));
        var parents = StepsTasks.parentMapAsync(points, p -> new StepsTasks.ParentArgs(p, gate.toString()));
        var children = StepsTasks.childMapAsync(points,
            p -> new StepsTasks.ChildIn(org.taskwire.In.of(p), parents.at(p), org.taskwire.In.of(gate.toString())));
        return StepsTasks.mergeAsync(children.values()).stage()
            .thenApply(merged -> Map.of("y", org.taskwire.optimize.Measurement.of(trial.number("x"))));
      }).parallelism(2).budget(3).directory(studyDir).build().run();
    }
    assertThat(done.trials()).hasSize(3).allSatisfy(r -> assertThat(r.status()).isEqualTo(TrialStatus.COMPLETED));
    List<JsonNode> asks = journal(studyDir).stream().filter(e -> e.get("event").asText().equals("asked")).toList();
    assertThat(asks).hasSize(3);
    assertThat(asks.get(2).get("running").size()).as("the third trial was asked while the second still ran").isEqualTo(1);
  }

  @Test
  void aStudyKilledWithKillMinus9IsResumedWithoutEvaluatingAFinishedTrialAgain() throws Exception {
    Path runs = dir.resolve("runs");
    Path marks = Files.createDirectories(dir.resolve("marks"));
    Path studyDir = dir.resolve("study");
    int budget = 14;
    String[] local = {"taskwire.backend=local", "taskwire.local.workers=4", "taskwire.local.batch=1"};
    Process first = StudyClient.start(dir, runs, marks, studyDir, "-", budget, 400, "first", local);
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (trials(journal(studyDir), "completed").size() < 6) {
        assertThat(first.isAlive()).as("the first client is still running; it said: %s",
            Files.readString(dir.resolve("first.out"))).isTrue();
        assertThat(System.nanoTime()).as("6 trials completed within 2 minutes").isLessThan(deadline);
        Thread.sleep(20);
      }
    } finally {
      first.destroyForcibly().waitFor();
    }
    // What the study had recorded at the kill: its saved state, which the journal may trail by a line.
    Optimizer killed = Optimizers.load(studyDir.resolve(Study.STATE), StudyClient.SPACE, StudyClient.OBJECTIVES);
    Set<Integer> toldBefore = new HashSet<>();
    Set<Integer> runningAtTheKill = new HashSet<>();
    for (TrialRecord r : killed.trials()) {
      (r.status() == TrialStatus.RUNNING ? runningAtTheKill : toldBefore).add(r.trial().id());
    }
    assertThat(toldBefore.size()).as("killed mid-study").isBetween(6, budget - 1);
    // Calls whose results the run had journaled: the resumed run answers them without a worker.
    Set<Integer> journaledBefore = new HashSet<>(toldBefore);
    for (RecordedRun.Call call : RecordedRun.read(ResumeTest.onlyRun(runs).resolve("journal.jsonl")).calls()) {
      if (call.success() != null) {
        journaledBefore.add(JSON.readTree(call.success().result()).get("trial").asInt());
      }
    }

    // Another run began since in the same runs directory (another user's, on a shared machine): "last" would
    // resume it; the study resumes its own, the one its directory names.
    assertThat(Files.readString(studyDir.resolve("run")).strip()).isEqualTo(ResumeTest.onlyRun(runs).getFileName()
        .toString());
    Path newer = Files.createDirectories(runs.resolve("0000another-users-run"));
    Files.writeString(newer.resolve("journal.jsonl"), "{}\n");
    Process second = StudyClient.start(dir, runs, marks, studyDir, "-", budget, 400, "second", local);
    assertThat(second.waitFor()).as("the second client said: %s", Files.readString(dir.resolve("second.out")))
        .isZero();
    Optimizer resumed = Optimizers.load(studyDir.resolve(Study.STATE), StudyClient.SPACE, StudyClient.OBJECTIVES);
    assertEveryTrialCompletedWithItsBraninValue(resumed, budget);
    assertThat(trials(journal(studyDir), "resumed")).as("trials running at the kill, evaluated again")
        .isEqualTo(runningAtTheKill);
    Map<Integer, List<Long>> starts = marks(marks, "start");
    for (TrialRecord r : resumed.trials()) {
      int id = r.trial().id();
      int times = starts.getOrDefault(id, List.of()).size();
      if (journaledBefore.contains(id)) {
        assertThat(times).as("trial %d had finished before the kill: it must not run again", id).isEqualTo(1);
      } else {
        assertThat(times).as("trial %d ran", id).isBetween(1, 2);
      }
    }
    assertThat(Files.readString(dir.resolve("second.out"))).contains("best: ");
  }
}
