package org.taskwire;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.taskwire.internal.run.PendingCall;
import org.taskwire.internal.run.RunEngine;
import org.taskwire.spi.WorkDefinition;

/**
 * The pending result of one work call. A {@link Future} with a {@link CompletionStage} view,
 * plus {@link #await()} for the common case of "give me the value or throw what went wrong".
 *
 * <p>A failed call completes with a {@link WorkFailedException}; {@link #cancel} stops waiting
 * and asks the backend to drop the call if it has not started, and cancels every call that waits
 * on this one. It is also an {@link In}: pass it to a generated {@code mAsync(In...)} overload and
 * that call is submitted the moment this one succeeds.
 *
 * @param <T> the work method's result type ({@link Void} for {@code void} methods)
 */
public final class AsyncResult<T> implements Future<T>, In<T> {
  private final RunEngine engine;
  private final String workName;
  private final CompletableFuture<T> future;
  /**
   * The call's id; 0 while it waits for its inputs. A field, not a callback: a run may hold a
   * million of these.
   */
  private volatile long callId;

  /** Created by {@link WorkflowRun}; users get instances from generated proxies. */
  AsyncResult(RunEngine engine, String workName, long callId, CompletableFuture<T> future) {
    this.engine = engine;
    this.workName = workName;
    this.callId = callId;
    this.future = future;
  }

  /** The handle of a call the engine planned. */
  static <R> AsyncResult<R> of(RunEngine engine, WorkDefinition<?, R> work, PendingCall call) {
    @SuppressWarnings("unchecked")
    CompletableFuture<R> typed = (CompletableFuture<R>) (CompletableFuture<?>) call.future();
    return new AsyncResult<>(engine, work.name(), call.callId(), typed);
  }

  /** A call that waited for its inputs was submitted under this id. */
  void submitted(long id) {
    callId = id;
  }

  /** The work method's name. */
  public String workName() {
    return workName;
  }

  /**
   * The call's id, unique within its run; 0 while the call waits for its inputs (it is numbered
   * when it is submitted).
   */
  public long callId() {
    return callId;
  }

  /**
   * Waits for the value.
   *
   * @throws WorkFailedException if the call failed
   * @throws CancellationException if the call was cancelled
   * @throws TaskwireException if the waiting thread is interrupted (the interrupt flag stays set)
   */
  public T await() {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaskwireException("interrupted while waiting for " + workName, e);
    } catch (ExecutionException e) {
      throw unwrap(e.getCause());
    }
  }

  /**
   * Waits at most {@code timeout} for the value.
   *
   * @throws WorkTimeoutException if no result came in time; the call goes on
   * @throws WorkFailedException if the call failed
   */
  public T await(Duration timeout) {
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaskwireException("interrupted while waiting for " + workName, e);
    } catch (ExecutionException e) {
      throw unwrap(e.getCause());
    } catch (TimeoutException e) {
      throw new WorkTimeoutException("no result from " + workName + " (call " + callId() + ") within " + timeout);
    }
  }

  private static RuntimeException unwrap(Throwable cause) {
    if (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof RuntimeException) {
      return (RuntimeException) cause;
    }
    return new TaskwireException(String.valueOf(cause), cause);
  }

  @Override
  public T get() throws InterruptedException, ExecutionException {
    return future.get();
  }

  @Override
  public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
    return future.get(timeout, unit);
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = future.cancel(mayInterruptIfRunning);
    long id = callId;
    if (cancelled && id != 0) {
      engine.cancel(id);
    }
    return cancelled;
  }

  @Override
  public boolean isCancelled() {
    return future.isCancelled();
  }

  @Override
  public boolean isDone() {
    return future.isDone();
  }

  /** Whether the call completed with a failure (not a cancellation). */
  public boolean isFailed() {
    return future.isCompletedExceptionally() && !future.isCancelled();
  }

  /**
   * A {@link CompletableFuture} that completes with this call. It is a copy: completing or
   * cancelling it does not affect the call.
   */
  public CompletableFuture<T> toCompletableFuture() {
    return future.copy();
  }

  /** A read-only {@link CompletionStage} view of this call. */
  public CompletionStage<T> stage() {
    return future.minimalCompletionStage();
  }

  String runId() {
    return engine.runId();
  }

  /** The call's own future; package code reads it, users get {@link #toCompletableFuture()}. */
  CompletableFuture<T> future() {
    return future;
  }

  /** An ended call's outcome; a cancelled call is a {@link FailureKind#CANCELLED} failure. */
  Outcome<T> outcome() {
    if (future.isCancelled()) {
      return new Outcome.Failure<>(new WorkFailedException(workName, FailureKind.CANCELLED, null,
          "the call was cancelled", "", 0, 0, null));
    }
    try {
      return new Outcome.Success<>(future.join());
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof WorkFailedException) {
        return new Outcome.Failure<>((WorkFailedException) cause);
      }
      throw e;
    }
  }

  @Override
  public String toString() {
    long id = callId();
    String state = future.isDone() ? (isCancelled() ? "cancelled" : isFailed() ? "failed" : "done")
        : id == 0 ? "waiting for its inputs" : "pending";
    return "AsyncResult[" + workName + (id == 0 ? "" : " call " + id) + ", " + state + "]";
  }
}
