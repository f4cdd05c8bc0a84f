package org.taskwire.internal.backend;

/**
 * Where a backend reports what happens to its calls: the run's collector. Thread-safe; duplicate
 * and stale reports are tolerated and dropped.
 */
public interface ResultSink {
  /** One event of a call's attempt. */
  void report(CallEvent event);

  /** Whether this attempt of the call (or a later one) still waits for its outcome. */
  boolean awaiting(long callId, int attempt);
}
