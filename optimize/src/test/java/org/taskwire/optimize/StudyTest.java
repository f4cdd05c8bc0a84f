package org.taskwire.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The study driver with evaluations this test completes, at times it chooses. */
class StudyTest {
  private static final SearchSpace SPACE = SearchSpace.builder().range("x", 0, 1).range("y", 0, 1).build();
  private static final List<Objective> F = List.of(Objective.minimize("f"));
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(4);
  private final List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  private static double f(Trial t) {
    return Math.pow(t.number("x") - 0.3, 2) + Math.pow(t.number("y") - 0.7, 2);
  }

  /** Completes after a delay that differs from trial to trial, so that trials end out of order. */
  private Study.Evaluation delayed(java.util.function.Function<Trial, Map<String, Measurement>> result) {
    return trial -> {
      CompletableFuture<Map<String, Measurement>> done = new CompletableFuture<>();
      // Trial 1 outlasts the trials asked after it by far more than a loaded machine's jitter, so
      // trials end out of order whatever the scheduling.
      timer.schedule(() -> {
        try {
          done.complete(result.apply(trial));
        } catch (RuntimeException e) {
          done.completeExceptionally(e);
        }
      }, trial.id() == 1 ? 250 : 5 + (trial.id() * 37L) % 40, TimeUnit.MILLISECONDS);
      return done;
    };
  }

  private static List<JsonNode> journal(Path dir) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve(Study.JOURNAL))) {
      lines.add(json.readTree(line));
    }
    return lines;
  }

  /** A journal whose last line a kill cut short: the study ends that line, and what it appends stays whole. */
  @Test
  void aLineCutShortInTheJournalIsEndedBeforeTheStudyAppends(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve(Study.JOURNAL), "{\"event\":\"asked\",\"trial\":0,\"at\":1,\"runn");
    Study.builder(Optimizers.sobol(SPACE, F, 1), delayed(t -> Map.of("f", Measurement.of(f(t)))))
        .parallelism(2).budget(4).directory(dir).build().run();
    List<String> lines = Files.readAllLines(dir.resolve(Study.JOURNAL));
    assertThat(lines.get(0)).isEqualTo("{\"event\":\"asked\",\"trial\":0,\"at\":1,\"runn");
    ObjectMapper json = new ObjectMapper();
    assertThat(lines.subList(1, lines.size())).hasSize(8)
        .allSatisfy(line -> assertThat(json.readTree(line).get("event").asText()).isIn("asked", "completed"));
  }

  @Test
  void qTrialsStayInFlightAndEachEndBringsANewOne(@TempDir Path dir) throws Exception {
    Optimizer result = Study.builder(Optimizers.sobol(SPACE, F, 1), delayed(t -> Map.of("f", Measurement.of(f(t)))))
        .parallelism(4).budget(24).directory(dir).progress(progress::add).build().run();
    assertThat(result.trials()).hasSize(24).allMatch(r -> r.status() == TrialStatus.COMPLETED);
    List<JsonNode> asks = journal(dir).stream().filter(n -> n.get("event").asText().equals("asked")).toList();
    assertThat(asks).hasSize(24);
    // The first four fill the study; every later ask comes when one ends, with the other three running.
    for (int i = 0; i < asks.size(); i++) {
      assertThat(asks.get(i).get("running").size()).as("trials running when trial %d was asked", i)
          .isEqualTo(i < 4 ? i : 3);
    }
    // Not generation barriers: trials end out of order, and new ones start while older ones run.
    List<Integer> completed = journal(dir).stream().filter(n -> n.get("event").asText().equals("completed"))
        .map(n -> n.get("trial").asInt()).toList();
    assertThat(completed).isNotEqualTo(completed.stream().sorted().toList());
    assertThat(progress).hasSize(24).last().asString().startsWith("study: 24/24 trials ended, 0 failed; best f ");
  }

  @Test
  void failedTrialsAreToldAsFailuresOrAsThePenalty(@TempDir Path dir) {
    Study.Evaluation failingAboveHalf = delayed(t -> {
      if (t.number("x") > 0.5) {
        throw new IllegalStateException("simulation crashed at x=" + t.number("x"));
      }
      return Map.of("f", Measurement.of(f(t)));
    });
    Optimizer told = Study.builder(Optimizers.sobol(SPACE, F, 2), failingAboveHalf).budget(16)
        .failures(Study.FailurePolicy.tolerate(0.9)).progress(progress::add).build().run();
    List<TrialRecord> failed = told.trials().stream().filter(r -> r.status() == TrialStatus.FAILED).toList();
    assertThat(failed).isNotEmpty().allSatisfy(r -> {
      assertThat(r.trial().number("x")).isGreaterThan(0.5);
      assertThat(r.reason()).startsWith("simulation crashed at x=");
    });

    Optimizer penalised = Study.builder(Optimizers.sobol(SPACE, F, 2), failingAboveHalf).budget(16)
        .failures(Study.FailurePolicy.penalise(Map.of("f", Measurement.of(100)), 0.9)).progress(progress::add)
        .build().run();
    assertThat(penalised.trials()).allMatch(r -> r.status() == TrialStatus.COMPLETED);
    assertThat(penalised.trials().stream().filter(r -> r.trial().number("x") > 0.5))
        .isNotEmpty().allMatch(r -> r.measurements().get("f").mean() == 100);
    assertThatThrownBy(() -> Study.builder(Optimizers.sobol(SPACE, F, 2), failingAboveHalf).budget(4)
        .failures(Study.FailurePolicy.penalise(Map.of("g", Measurement.of(1)), 0.5)).build())
        .hasMessageContaining("no value for objective 'f'");
  }

  @Test
  void pastTheToleratedFailureRateTheStudyStopsSayingWhy() {
    Study.Evaluation alwaysFails = trial -> CompletableFuture.failedFuture(new IllegalStateException("no detector"));
    assertThatThrownBy(() -> Study.builder(Optimizers.sobol(SPACE, F, 3), alwaysFails).budget(20)
        .failures(Study.FailurePolicy.tolerate(0.2)).progress(progress::add).build().run())
        .isInstanceOf(Study.StudyFailedException.class)
        .hasMessage("5 of 5 trials failed, more than the tolerated 20 %; the last (trial 4): no detector");
  }

  /** A study stopped with trials in flight, started again on its directory: no finished trial runs again. */
  @Test
  void aStudyStartedAgainOnItsDirectoryGoesOnWhereItStopped(@TempDir Path dir) throws Exception {
    Map<Map<String, Object>, AtomicInteger> evaluations = new ConcurrentHashMap<>();
    AtomicInteger started = new AtomicInteger();
    Study.Evaluation counted = trial -> {
      evaluations.computeIfAbsent(trial.parameters(), k -> new AtomicInteger()).incrementAndGet();
      CompletableFuture<Map<String, Measurement>> done = new CompletableFuture<>();
      // Only the first study's first six trials end: it is stopped with the others in flight.
      if (started.incrementAndGet() <= 6) {
        timer.schedule(() -> done.complete(Map.of("f", Measurement.of(f(trial)))), 5, TimeUnit.MILLISECONDS);
      }
      return done;
    };
    Thread first = new Thread(() -> {
      try {
        Study.builder(Optimizers.gp(SPACE, F, 4), counted).parallelism(3).budget(12).directory(dir)
            .progress(progress::add).build().run();
      } catch (IllegalStateException interrupted) {
        // stopped, as a killed client would be
      }
    });
    first.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (progress.size() < 6) {
      assertThat(System.nanoTime()).as("six trials end within 10 s").isLessThan(deadline);
      Thread.sleep(5);
    }
    first.interrupt();
    first.join(10_000);
    OptimizerState left = Optimizers.fromJson(Files.readString(dir.resolve(Study.STATE)));
    long finishedBefore = left.trials().stream().filter(r -> r.status() == TrialStatus.COMPLETED).count();
    assertThat(finishedBefore).isEqualTo(6);
    assertThat(left.trials()).anyMatch(r -> r.status() == TrialStatus.RUNNING);

    Study.Evaluation quick = delayed(t -> {
      evaluations.computeIfAbsent(t.parameters(), k -> new AtomicInteger()).incrementAndGet();
      return Map.of("f", Measurement.of(f(t)));
    });
    Optimizer resumed = Study.builder(Optimizers.gp(SPACE, F, 4), quick).parallelism(3).budget(12).directory(dir)
        .progress(progress::add).build().run();
    assertThat(resumed.trials()).hasSize(12).allMatch(r -> r.status() == TrialStatus.COMPLETED);
    for (TrialRecord r : left.trials()) {
      if (r.status() == TrialStatus.COMPLETED) {
        assertThat(evaluations.get(r.trial().parameters())).as("finished trial %d", r.trial().id()).hasValue(1);
      }
    }
    assertThat(journal(dir).stream().filter(n -> n.get("event").asText().equals("resumed")))
        .as("the trials left running were evaluated again").isNotEmpty();
    assertThatThrownBy(() -> Study.builder(Optimizers.sobol(SPACE, F, 4), quick).budget(12).directory(dir).build())
        .hasMessageContaining("holds a study of optimiser 'gp-ei', not 'sobol'");
    SearchSpace other = SearchSpace.builder().range("x", 0, 1).range("z", 0, 1).build();
    assertThatThrownBy(() -> Study.builder(Optimizers.gp(other, F, 4), quick).budget(12).directory(dir).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot go on with the study saved in " + dir + ": trial 0 of the saved state does not "
            + "belong to this study")
        .hasMessageEndingWith("; or give another directory to start a new study");
  }
}
