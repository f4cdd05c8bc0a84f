package org.taskwire.internal.call;

/**
 * One call as it travels to a worker: which run, call and attempt it is, which work to invoke
 * ({@code <workflow class>#<name>}), the codec, and the encoded argument record.
 */
public record CallEnvelope(String runId, long callId, int attempt, String workId, String codec, byte[] arguments) {

  /** The same call, for another attempt. */
  public CallEnvelope withAttempt(int next) {
    return new CallEnvelope(runId, callId, next, workId, codec, arguments);
  }
}
