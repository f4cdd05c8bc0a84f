package org.taskwire.internal.call;

/**
 * One call's result as it travels back: the call and attempt it answers, and either the encoded
 * output or the error. Times are epoch milliseconds on the worker.
 */
public record ResultEnvelope(
    String runId, long callId, int attempt, byte[] output, RemoteError error, long startedAt, long finishedAt) {

  public static ResultEnvelope success(CallEnvelope call, byte[] output, long startedAt, long finishedAt) {
    return new ResultEnvelope(call.runId(), call.callId(), call.attempt(), output, null, startedAt, finishedAt);
  }

  public static ResultEnvelope failure(CallEnvelope call, RemoteError error, long startedAt, long finishedAt) {
    return new ResultEnvelope(call.runId(), call.callId(), call.attempt(), null, error, startedAt, finishedAt);
  }

  /** Whether the call produced a value. */
  public boolean succeeded() {
    return error == null;
  }
}
