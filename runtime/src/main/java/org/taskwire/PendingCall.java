package org.taskwire;

import java.util.concurrent.CompletableFuture;
import org.taskwire.backend.Task;
import org.taskwire.call.CallEnvelope;
import org.taskwire.codec.PayloadCodec;

/** One outstanding call: its envelope, current attempt and future. Guarded by its own monitor. */
final class PendingCall {
  enum State { QUEUED, RUNNING, DONE }

  final Task task;
  final CallEnvelope firstAttempt;
  final PayloadCodec codec;
  final int maxAttempts;
  final CompletableFuture<Object> future = new CompletableFuture<>();
  final TaskProgress progress;
  int attempt = 1;
  State state = State.QUEUED;

  PendingCall(Task task, CallEnvelope firstAttempt, PayloadCodec codec, int maxAttempts, TaskProgress progress) {
    this.task = task;
    this.firstAttempt = firstAttempt;
    this.codec = codec;
    this.maxAttempts = maxAttempts;
    this.progress = progress;
  }
}
