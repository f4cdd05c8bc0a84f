package org.taskwire.internal.backend;

import org.taskwire.internal.call.ResultEnvelope;

/** Where a backend reports what happens to calls. Thread-safe; duplicates are tolerated. */
public interface ResultSink {
  /** A call's attempt started running. */
  void started(long callId, int attempt);

  /** A call's attempt finished, with a value or an error. */
  void completed(ResultEnvelope result);

  /** Whether this attempt of the call still waits for its result. */
  boolean awaiting(long callId, int attempt);
}
