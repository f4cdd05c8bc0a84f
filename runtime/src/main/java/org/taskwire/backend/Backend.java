package org.taskwire.backend;

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

  /** Stops the backend; calls still queued or running are not reported any more. */
  @Override
  void close();
}
