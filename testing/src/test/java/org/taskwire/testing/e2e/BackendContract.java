package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.ArgumentEncodingException;
import org.taskwire.AsyncResult;
import org.taskwire.FailureKind;
import org.taskwire.MapResult;
import org.taskwire.WorkFailedException;
import org.taskwire.testing.e2e.ProbeTasks.EvenOnlyArgs;
import org.taskwire.testing.e2e.ProbeTasks.SquareArgs;

/** What every backend must do; each backend's test class opens a run and inherits these. */
abstract class BackendContract {
  @TempDir Path dir;

  @Test
  void sealedInterfaceValuesTravelBothWays() {
    assertThat(ProbeTasks.grow(new Probe.Circle(2), 3)).isEqualTo(new Probe.Rect(6, 6));
    assertThat(ProbeTasks.grow(new Probe.Rect(2, 5), 2)).isEqualTo(new Probe.Circle(20));
  }

  @Test
  void blockingCall() {
    assertThat(ProbeTasks.square(7)).isEqualTo(49);
  }

  @Test
  void asyncCallsCompleteWithTheirOwnResults() throws Exception {
    List<AsyncResult<Integer>> results = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      results.add(ProbeTasks.squareAsync(i));
    }
    for (int i = 0; i < 20; i++) {
      assertThat(results.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(i * i);
    }
    CompletableFuture<Integer> sum = ProbeTasks.squareAsync(3).toCompletableFuture().thenApply(v -> v + 1);
    assertThat(sum.get(30, TimeUnit.SECONDS)).isEqualTo(10);
  }

  @Test
  void userTypesRoundTripWithKryo() {
    UUID id = UUID.randomUUID();
    Probe.Sample in = new Probe.Sample("muon", Probe.Kind.SIGNAL, List.of(1.0, 2.0, 4.0), Map.of("run", id));
    Probe.Sample out = ProbeTasks.normalise(in);
    assertThat(out).isEqualTo(new Probe.Sample("MUON", Probe.Kind.SIGNAL, List.of(0.25, 0.5, 1.0), Map.of("run", id)));
  }

  @Test
  void jsonCodecWorks() {
    assertThat(ProbeTasks.wordLengths(List.of("pion", "kaon", "b"))).containsExactly(
        Map.entry("b", 1), Map.entry("kaon", 4), Map.entry("pion", 4));
  }

  @Test
  void remoteExceptionCarriesClassMessageStackAndAttempt() {
    assertThatThrownBy(() -> ProbeTasks.evenOnly(3))
        .isInstanceOfSatisfying(WorkFailedException.class, e -> {
          assertThat(e.kind()).isEqualTo(FailureKind.WORK_THREW);
          assertThat(e.remoteClass()).isEqualTo("java.lang.IllegalArgumentException");
          assertThat(e.remoteMessage()).isEqualTo("odd input 3");
          assertThat(e.remoteStackTrace()).contains("at org.taskwire.testing.e2e.Probe.evenOnly(Probe.java");
          assertThat(e.attempt()).isEqualTo(1);
          assertThat(e.maxAttempts()).isEqualTo(1);
          assertThat(e.getMessage()).contains("work evenOnly failed on attempt 1 of 1", "odd input 3");
        });
  }

  @Test
  void fanOutHoldsEverySuccessAndEveryFailureInInputOrder() {
    List<EvenOnlyArgs> calls = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      calls.add(new EvenOnlyArgs(i));
    }
    MapResult<EvenOnlyArgs, Integer> result = ProbeTasks.evenOnlyMap(calls);
    assertThat(result).hasSize(30);
    assertThat(new ArrayList<>(result.keySet())).isEqualTo(calls);
    assertThat(result.successes()).hasSize(15);
    assertThat(result.failures()).hasSize(15);
    assertThat(result.value(new EvenOnlyArgs(8))).isEqualTo(4);
    assertThat(result.failures().get(new EvenOnlyArgs(9)).remoteMessage()).isEqualTo("odd input 9");
    assertThat(result.allSucceeded()).isFalse();
    assertThatThrownBy(result::orThrow).isInstanceOf(WorkFailedException.class);
  }

  @Test
  void retriesUntilSuccessWithinTheLimit() {
    String counter = dir.resolve("count").toString();
    assertThat(ProbeTasks.flaky(counter, 2)).isEqualTo("succeeded on attempt 3");
  }

  @Test
  void retriesStopAtTheLimit() {
    String counter = dir.resolve("count").toString();
    assertThatThrownBy(() -> ProbeTasks.flaky(counter, 5))
        .isInstanceOfSatisfying(WorkFailedException.class, e -> {
          assertThat(e.attempt()).isEqualTo(3);
          assertThat(e.maxAttempts()).isEqualTo(3);
          assertThat(e.remoteMessage()).isEqualTo("flaky failure number 3");
        });
  }

  @Test
  void resultThatCannotBeEncodedFailsClearly() {
    assertThatThrownBy(ProbeTasks::opaque)
        .isInstanceOfSatisfying(WorkFailedException.class, e -> {
          assertThat(e.kind()).isEqualTo(FailureKind.RESULT_NOT_ENCODABLE);
          assertThat(e.getMessage()).contains("java.lang.StringBuilder", "does not declare");
        });
  }

  @Test
  void argumentThatCannotTravelNamesTheMethodAndParameter() {
    assertThatThrownBy(() -> ProbeTasks.describe("x", new StringBuilder("no")))
        .isInstanceOf(ArgumentEncodingException.class)
        .hasMessageContaining("argument 'payload' of describe(String, Object)")
        .hasMessageContaining("java.lang.StringBuilder");
  }

  @Test
  void fanOutRejectsNullAndDuplicateElements() {
    List<SquareArgs> withNull = new ArrayList<>(List.of(new SquareArgs(1)));
    withNull.add(null);
    assertThatThrownBy(() -> ProbeTasks.squareMap(withNull))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("element 1 of the fan-out list of square is null");
    assertThatThrownBy(() -> ProbeTasks.squareMap(List.of(new SquareArgs(2), new SquareArgs(2))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("elements 0 and 1");
    assertThat(ProbeTasks.squareMap(List.of())).isEmpty();
  }

  @Test
  void cancelledCallCompletesAsCancelled() {
    AsyncResult<Integer> r = ProbeTasks.squareAsync(5);
    r.cancel(true);
    assertThat(r.isCancelled() || r.isDone()).isTrue();
  }
}
