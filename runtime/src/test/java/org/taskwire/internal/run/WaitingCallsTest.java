package org.taskwire.internal.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.taskwire.FailureKind;
import org.taskwire.WorkFailedException;

class WaitingCallsTest {
  private static WaitingCalls.Input input(CompletableFuture<?> value, String name) {
    return new WaitingCalls.Input(() -> name, value, () -> List.of(7L));
  }

  private static WaitingCalls.Call call(Object fanOut, CompletableFuture<?>... inputs) {
    List<WaitingCalls.Input> in = new java.util.ArrayList<>();
    for (int i = 0; i < inputs.length; i++) {
      in.add(input(inputs[i], "p" + i));
    }
    CompletableFuture<Object> future = new CompletableFuture<>();
    return new WaitingCalls.Call(fanOut, "child", 3, in, future, new TaskProgress(1), () -> future.cancel(false), null);
  }

  @Test
  void callsOfOneFanOutThatBecomeReadyWhileOneBatchIsSubmittedGoOutTogether() throws Exception {
    CountDownLatch firstBatchEntered = new CountDownLatch(1);
    CountDownLatch releaseFirstBatch = new CountDownLatch(1);
    List<List<WaitingCalls.Call>> batches = new CopyOnWriteArrayList<>();
    CountDownLatch twoBatches = new CountDownLatch(2);
    try (WaitingCalls waiting = new WaitingCalls("0123456789", batch -> {
      batches.add(batch);
      firstBatchEntered.countDown();
      try {
        releaseFirstBatch.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      twoBatches.countDown();
    })) {
      Object fanOut = new Object();
      CompletableFuture<Object> first = new CompletableFuture<>();
      WaitingCalls.Call a = call(fanOut, first);
      waiting.add(a);
      first.complete(1.0);
      assertThat(firstBatchEntered.await(30, TimeUnit.SECONDS)).isTrue();

      // While the dispatcher submits a, three more become ready: they go out as one batch.
      CompletableFuture<Object> shared = new CompletableFuture<>();
      List<WaitingCalls.Call> rest = List.of(call(fanOut, shared), call(fanOut, shared, CompletableFuture.completedFuture("x")),
          call(fanOut, shared));
      rest.forEach(waiting::add);
      shared.complete(2.0);
      releaseFirstBatch.countDown();
      assertThat(twoBatches.await(30, TimeUnit.SECONDS)).isTrue();

      assertThat(batches).hasSize(2);
      assertThat(batches.get(0)).containsExactly(a);
      assertThat(batches.get(1)).containsExactlyInAnyOrderElementsOf(rest);
      assertThat(rest.get(1).values()).containsExactly(2.0, "x");
      assertThat(rest.get(1).dependsOn()).containsExactly(7L, 7L);
      assertThat(waiting.size()).as("submitted calls wait no more").isZero();
    }
  }

  /**
   * Whoever waits on a call (the user's {@code await}, then the run's close) may run the moment it
   * ends, before any callback registered earlier: by then the call must no longer count as waiting.
   */
  @Test
  void aCallThatEndedNoLongerCountsAsWaitingWhenItsWaiterWakes() {
    try (WaitingCalls waiting = new WaitingCalls("0123456789", batch -> {
      throw new AssertionError("nothing is ready");
    })) {
      CompletableFuture<Object> failing = new CompletableFuture<>();
      WaitingCalls.Call call = call(new Object(), failing);
      waiting.add(call);
      java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger(-1);
      // Registered after the run's own callbacks, so it runs first, as a woken await may.
      call.future().whenComplete((v, t) -> seen.set(waiting.size()));
      failing.completeExceptionally(new WorkFailedException("parent", FailureKind.WORK_THREW, null, "boom", "", 1, 3,
          null));
      assertThat(call.future()).isCompletedExceptionally();
      assertThat(seen.get()).isZero();
    }
  }

  @Test
  void aFailedInputFailsTheCallAndACancelledOneCancelsIt() {
    try (WaitingCalls waiting = new WaitingCalls("0123456789", batch -> {
      throw new AssertionError("nothing is ready");
    })) {
      CompletableFuture<Object> failing = new CompletableFuture<>();
      CompletableFuture<Object> cancelled = new CompletableFuture<>();
      WaitingCalls.Call failed = call(new Object(), CompletableFuture.completedFuture(1), failing);
      WaitingCalls.Call dropped = call(new Object(), cancelled);
      waiting.add(failed);
      waiting.add(dropped);
      WorkFailedException cause = new WorkFailedException("parent", FailureKind.WORK_THREW, "java.lang.IllegalStateException",
          "no response", "", 1, 1, null);
      failing.completeExceptionally(cause);
      cancelled.cancel(false);

      assertThat(failed.future()).isCompletedExceptionally();
      WorkFailedException e = (WorkFailedException) failed.future().handle((v, t) -> t).join();
      assertThat(e.kind()).isEqualTo(FailureKind.DEPENDENCY_FAILED);
      assertThat(e.getMessage()).contains("work child did not run (DEPENDENCY_FAILED): its input p1 failed: work parent failed");
      assertThat(e.getCause()).isSameAs(cause);
      assertThat(failed.progress().failed()).isEqualTo(1);
      assertThat(dropped.future()).isCancelled();
      assertThat(waiting.size()).isZero();
    }
  }

  @Test
  void closingFailsTheCallsStillWaiting() {
    WaitingCalls waiting = new WaitingCalls("0123456789", batch -> { });
    WaitingCalls.Call call = call(new Object(), new CompletableFuture<>());
    waiting.add(call);
    waiting.close();
    WorkFailedException e = (WorkFailedException) call.future().handle((v, t) -> t).join();
    assertThat(e.kind()).isEqualTo(FailureKind.RUN_CLOSED);
  }
}
