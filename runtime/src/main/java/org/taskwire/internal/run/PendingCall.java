package org.taskwire.internal.run;

import java.util.concurrent.CompletableFuture;
import org.taskwire.internal.backend.Task;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.codec.PayloadCodec;

/** One outstanding call: its envelope, current attempt and future. Guarded by its own monitor. */
public final class PendingCall {
  enum State { QUEUED, RUNNING, DONE }

  final Task task;
  final CallEnvelope firstAttempt;
  final PayloadCodec codec;
  final int maxAttempts;
  final CompletableFuture<Object> future;
  final TaskProgress progress;
  int attempt = 1;
  State state = State.QUEUED;
  /** The call's key when its result is to be shared across runs, else null. */
  String sharedKey;
  /** The Rucio dataset the call's files go to, when the run registers files; else null. */
  String dataset;
  /** What runs the current attempt, once it started: for log lines. */
  String where;
  /** When the current attempt was seen to start (epoch milliseconds, the client's clock), else 0: for the task stream. */
  long startedAt;

  public PendingCall(Task task, CallEnvelope firstAttempt, PayloadCodec codec, int maxAttempts, TaskProgress progress) {
    this(task, firstAttempt, codec, maxAttempts, progress, new CompletableFuture<>());
  }

  /** A call whose future was handed out before it was submitted (it waited for its inputs). */
  public PendingCall(Task task, CallEnvelope firstAttempt, PayloadCodec codec, int maxAttempts, TaskProgress progress,
      CompletableFuture<Object> future) {
    this.future = future;
    this.task = task;
    this.firstAttempt = firstAttempt;
    this.codec = codec;
    this.maxAttempts = maxAttempts;
    this.progress = progress;
  }

  /** Shares this call's result across runs under its key, once it succeeds. */
  public void shareAs(String key) {
    this.sharedKey = key;
  }

  /** The call's id, the same for every attempt. */
  public long callId() {
    return firstAttempt.callId();
  }

  /** Completes with the decoded value, or a {@link org.taskwire.WorkFailedException}. */
  public CompletableFuture<Object> future() {
    return future;
  }
}
