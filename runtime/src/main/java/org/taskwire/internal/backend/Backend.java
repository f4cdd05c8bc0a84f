package org.taskwire.internal.backend;

/**
 * Executes calls: in-process, in local worker JVMs, later on PanDA or Slurm. A backend reports
 * every call it was given to the {@link ResultSink} exactly once per attempt, as a value or an
 * error; it never leaves a call unanswered, even when a worker dies.
 */
public interface Backend extends AutoCloseable {

  /** Queues the calls of a task; returns without waiting for them. */
  void submit(Task task);

  /** Drops a call that has not started; a running call may still finish. */
  void cancel(long callId);

  /**
   * Whether the backend retries failed calls itself (PanDA retries a failed job as a new job up to
   * the task's {@code maxAttempt}). Such a backend reports only a call's last failure, with the
   * attempt it happened on, and the run does not submit the call again.
   */
  default boolean retriesFailedCalls() {
    return false;
  }

  /** Stops the backend; calls still queued or running are not reported any more. */
  @Override
  void close();
}
