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

  /**
   * This result's failure for being larger than {@code taskwire.result.max-bytes}, with the advice
   * the user needs; the same whatever channel would have carried it.
   *
   * @param bytes its size on that channel
   */
  public ResultEnvelope tooLarge(String workId, long bytes, long maxBytes) {
    RemoteError tooLarge = RemoteError.of(org.taskwire.FailureKind.RESULT_TOO_LARGE, String.format(
        "the result of %s is %.1f MB, above taskwire.result.max-bytes (%.1f MB): return a smaller value (write "
            + "large outputs to files or storage and return their location), or raise the limit",
        workId, bytes / 1e6, maxBytes / 1e6));
    return new ResultEnvelope(runId, callId, attempt, null, tooLarge, startedAt, finishedAt);
  }

  /** Whether the call produced a value. */
  public boolean succeeded() {
    return error == null;
  }
}
