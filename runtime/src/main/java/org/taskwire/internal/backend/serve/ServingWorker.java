package org.taskwire.internal.backend.serve;

import java.io.IOException;
import java.util.List;
import org.taskwire.internal.call.CallEnvelope;

/**
 * One worker running the wrapper's serving loop, however it is reached: it takes calls, answers
 * them one by one in the order sent, and may die at any point.
 */
public interface ServingWorker {

  /** Sends calls; the worker answers them one by one, in this order. */
  void send(List<CallEnvelope> calls) throws IOException;

  /**
   * Reads the worker's result of the first call it has not answered, its signature checked.
   *
   * @param onStarted told of each call the worker says it starts while it holds earlier results
   * @throws IOException if the worker died, went silent or sent garbage
   */
  org.taskwire.internal.call.ResultEnvelope receive(java.util.function.LongConsumer onStarted) throws IOException;

  /** The call the worker last said it was starting while holding results, or -1. */
  long lastStarted();

  /** Ends the worker at once (a call past its walltime). */
  void kill();

  /** Why the worker's stream ended: its exit status, or what its batch system says. */
  String endDescription();

  /** The last lines of the worker's log, for error messages; empty when unknown. */
  String logTail();

  /** Where the worker's log is. */
  String log();

  /** How the worker is named in messages, e.g. {@code worker 2 (pid 123)}. */
  String describe();

  /** What a call's {@code Submitted} event records of the worker (for {@code taskwire show}). */
  java.util.Map<String, String> handle();
}
