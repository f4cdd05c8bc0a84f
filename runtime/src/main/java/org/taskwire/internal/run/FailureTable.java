package org.taskwire.internal.run;

import org.taskwire.FailureKind;
import org.taskwire.internal.backend.Cause;
import org.taskwire.internal.backend.Failure;
import org.taskwire.internal.call.RemoteError;

/**
 * The one table of what ends an attempt: each cause a backend reports is a {@link FailureKind},
 * and the kind says whether another attempt may mend it ({@link FailureKind#retryable()}). Every
 * backend is read through it, so that the same event is the same failure wherever it happens.
 *
 * <table>
 *   <caption>Causes, kinds, retries</caption>
 *   <tr><th>cause</th><th>kind</th><th>retried</th></tr>
 *   <tr><td>the worker reported it</td><td>the worker's</td><td>as its kind</td></tr>
 *   <tr><td>the worker or job died; the node was lost; the walltime ran out</td><td>WORKER_LOST</td><td>yes</td></tr>
 *   <tr><td>out of memory</td><td>BACKEND</td><td>no: the same memory ends the same way</td></tr>
 *   <tr><td>killed from outside the run</td><td>BACKEND</td><td>no: someone meant it</td></tr>
 *   <tr><td>the backend cannot run it</td><td>BACKEND</td><td>no</td></tr>
 *   <tr><td>the result never arrived</td><td>RESULT_LOST</td><td>yes</td></tr>
 *   <tr><td>the result was too large</td><td>RESULT_TOO_LARGE</td><td>no</td></tr>
 *   <tr><td>the wrapper exited with its own code</td><td>{@code WrapperExit.failure()}</td><td>as its kind</td></tr>
 * </table>
 */
public final class FailureTable {
  private FailureTable() {}

  /** The kind of failure a cause is; for a reported failure, the kind the worker reported. */
  public static FailureKind kindOf(Cause cause, FailureKind reported) {
    if (cause instanceof Cause.WrapperExited exited) {
      FailureKind kind = exited.exit().failure();
      // OK is no failure: a job that exited 0 without a result lost it.
      return kind == null ? FailureKind.RESULT_LOST : kind;
    }
    return switch ((Cause.Seen) cause) {
      case REPORTED -> reported;
      case WORKER_DIED, NODE_LOST, WALLTIME -> FailureKind.WORKER_LOST;
      case OUT_OF_MEMORY, KILLED, REFUSED -> FailureKind.BACKEND;
      case RESULT_LOST -> FailureKind.RESULT_LOST;
      case RESULT_TOO_LARGE -> FailureKind.RESULT_TOO_LARGE;
    };
  }

  /** The failure's error with its kind set from the table. */
  public static RemoteError classify(Failure failure) {
    FailureKind kind = kindOf(failure.cause(), failure.error().kind());
    return failure.error().kind() == kind ? failure.error() : failure.error().withKind(kind);
  }
}
