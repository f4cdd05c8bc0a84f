package org.taskwire.internal.backend;

/**
 * Executes calls: in-process, in local worker JVMs, on PanDA. A backend reports what happens to
 * every attempt it was given to the {@link ResultSink} as {@link CallEvent}s, ending each attempt
 * with a success, a failure or a loss; it never leaves an attempt unanswered, even when a worker
 * dies. It does not decide retries: the collector submits the next attempt as a task of one call.
 */
public interface Backend extends AutoCloseable {

  /** Queues the calls of a task; returns without waiting for them. */
  void submit(Task task);

  /**
   * Takes up calls that an earlier client of this run submitted, by the handles their
   * {@link CallEvent.Submitted} events gave. A backend whose work died with that client (local
   * workers) runs them again, as by default; a batch system watches its tasks again, so that what
   * finished while no client listened is read from the jobs' records and nothing is submitted twice.
   *
   * @param handles each call's last handle, by call id
   */
  default void reattach(Task task, java.util.Map<Long, java.util.Map<String, String>> handles) {
    submit(task);
  }

  /**
   * How long calls of one work that become ready apart are held to go out together, as one task:
   * on a batch system, where a task costs a submission and brokerage, not where a queue takes calls
   * one by one. Zero: at once.
   *
   * @param work the work's name, for a backend that runs several works on different systems
   */
  default java.time.Duration stepWindow(String work) {
    return java.time.Duration.ZERO;
  }

  /** Drops a call that has not started; a running call may still finish. */
  void cancel(long callId);

  /** Stops the backend; calls still queued or running are not reported any more. */
  @Override
  void close();
}
