package org.taskwire.internal.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.Definitions;
import org.taskwire.FailureKind;
import org.taskwire.WorkFailedException;
import org.taskwire.internal.backend.Backends;
import org.taskwire.internal.config.TaskwireConfig;

/**
 * The run's engine driven on its own, with no public facade and no "current run": two engines
 * side by side, calls that wait for inputs, and what closing does to what is left.
 */
class RunEngineTest {
  @TempDir Path dir;

  private RunEngine start() {
    TaskwireConfig config = TaskwireConfig.load(new TaskwireConfig.Sources(getClass().getClassLoader(),
        dir.resolve("home"), Map.of(), new Properties()), Definitions.GEOMETRY,
        Map.of("taskwire.runs-dir", dir.toString(), "taskwire.backend", "inprocess", "taskwire.progress", "off",
            "taskwire.code-version", "none"),
        Backends.configKeys());
    return RunEngine.start(Definitions.GEOMETRY, config);
  }

  private static Object result(PendingCall call) throws Exception {
    return call.future().get(30, TimeUnit.SECONDS);
  }

  @Test
  void twoEnginesRunSideBySideEachWithItsOwnCalls() throws Exception {
    try (RunEngine one = start(); RunEngine two = start()) {
      assertThat(one.runId()).isNotEqualTo(two.runId());
      CallPlanner.Planned a = one.plan(Definitions.GREET, List.of(new Definitions.NameArgs("ada")), new TaskProgress(1));
      CallPlanner.Planned b = two.plan(Definitions.GREET, List.of(new Definitions.NameArgs("bob")), new TaskProgress(1));
      a.send().run();
      b.send().run();
      assertThat(result(a.calls().get(0))).isEqualTo("hello ada");
      assertThat(result(b.calls().get(0))).isEqualTo("hello bob");
      assertThat(a.progress().succeeded()).isEqualTo(1);
    }
  }

  @Test
  void aWaitingCallIsSubmittedOnlyOnceItsInputSucceeded() throws Exception {
    try (RunEngine engine = start()) {
      CompletableFuture<Object> input = new CompletableFuture<>();
      CompletableFuture<Object> call = new CompletableFuture<>();
      AtomicLong submitted = new AtomicLong();
      CompletableFuture<Long> submittedAt = new CompletableFuture<>();
      engine.submitWhenReady(Definitions.GREET, new Object(), new TaskProgress(1),
          List.of(new WaitingCalls.Input(() -> "name", input, List::of)),
          values -> new Definitions.NameArgs((String) values[0]), call, () -> call.cancel(false), id -> {
            submitted.set(id);
            submittedAt.complete(id);
          });
      assertThat(submitted.get()).as("nothing goes out while the input runs").isZero();
      assertThat(call).isNotDone();
      input.complete("cy");
      assertThat(submittedAt.get(30, TimeUnit.SECONDS)).isPositive();
      assertThat(call.get(30, TimeUnit.SECONDS)).isEqualTo("hello cy");
    }
  }

  @Test
  void aFailedInputFailsTheCallWithoutRunningItAndABadValueFailsItAsBadPayload() {
    try (RunEngine engine = start()) {
      CompletableFuture<Object> failing = new CompletableFuture<>();
      CompletableFuture<Object> dependent = new CompletableFuture<>();
      AtomicLong submitted = new AtomicLong();
      engine.submitWhenReady(Definitions.GREET, new Object(), new TaskProgress(1),
          List.of(new WaitingCalls.Input(() -> "name (greet call 7)", failing, List::of)),
          values -> new Definitions.NameArgs((String) values[0]), dependent, () -> dependent.cancel(false),
          submitted::set);
      failing.completeExceptionally(new IllegalStateException("sim crashed"));
      assertThat(dependent).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(Exception.class)
          .havingRootCause().withMessage("sim crashed");
      assertThat(kindOf(dependent)).isEqualTo(FailureKind.DEPENDENCY_FAILED);

      CompletableFuture<Object> scaled = new CompletableFuture<>();
      engine.submitWhenReady(Definitions.SCALE, new Object(), new TaskProgress(1),
          List.of(new WaitingCalls.Input(() -> "points", CompletableFuture.completedFuture(List.of()), List::of),
              new WaitingCalls.Input(() -> "factor", CompletableFuture.completedFuture(null), List::of)),
          values -> new Definitions.ScaleArgs(List.of(), (Double) values[1]), scaled, () -> scaled.cancel(false),
          submitted::set);
      assertThat(scaled).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(Exception.class)
          .withMessageContaining("parameter factor of scale is primitive, but its input's value is null");
      assertThat(kindOf(scaled)).isEqualTo(FailureKind.BAD_PAYLOAD);
      assertThat(submitted.get()).as("neither call was submitted").isZero();
    }
  }

  @Test
  void closingFailsWhatWaitsAndRefusesNewCalls() {
    RunEngine engine = start();
    CompletableFuture<Object> never = new CompletableFuture<>();
    CompletableFuture<Object> call = new CompletableFuture<>();
    engine.submitWhenReady(Definitions.GREET, new Object(), new TaskProgress(1),
        List.of(new WaitingCalls.Input(() -> "name", never, List::of)),
        values -> new Definitions.NameArgs((String) values[0]), call, () -> call.cancel(false), id -> { });
    engine.close();
    assertThat(kindOf(call)).isEqualTo(FailureKind.RUN_CLOSED);
    assertThatThrownBy(() -> engine.plan(Definitions.GREET, List.of(new Definitions.NameArgs("late")),
        new TaskProgress(1))).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    engine.close();
  }

  private static FailureKind kindOf(CompletableFuture<Object> call) {
    try {
      call.join();
    } catch (CompletionException e) {
      return ((WorkFailedException) e.getCause()).kind();
    }
    throw new AssertionError("the call succeeded");
  }
}
