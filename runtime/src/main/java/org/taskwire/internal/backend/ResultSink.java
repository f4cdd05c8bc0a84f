package org.taskwire.internal.backend;

/**
 * Where a backend reports what happens to its calls: the run's collector. Thread-safe; duplicate
 * and stale reports are tolerated and dropped. A backend tells; it never asks the collector about
 * a call, and decides no retry: the answer to a report is all it learns.
 */
@FunctionalInterface
public interface ResultSink {
  /**
   * One event of a call's attempt.
   *
   * @return whether the call now waits for a later attempt than the event's: for a failure, that
   *     the run tries the call again (or already runs a later attempt); false once the call has
   *     its outcome, or is no longer the run's
   */
  boolean report(CallEvent event);
}
