package org.taskwire;

/** Why a call failed. */
public enum FailureKind {
  /** The work method threw; the remote exception's class, message and stack trace are attached. */
  WORK_THREW(true),
  /** The worker running the call died: {@code System.exit}, out of memory, killed by a signal. */
  WORKER_LOST(true),
  /**
   * The call's arguments could not travel: the worker could not decode them (different code on
   * both sides, or a corrupt payload), or a call that waited for its inputs could not build or
   * encode its arguments from their values, or its arguments name the same Rucio dataset as
   * another call's that differ ({@code @Work(dataset)}); then it did not run.
   */
  BAD_PAYLOAD(false),
  /** The worker could not encode the result, e.g. it holds a type the method does not declare. */
  RESULT_NOT_ENCODABLE(false),
  /** The result is larger than {@code taskwire.result.max-bytes}. */
  RESULT_TOO_LARGE(false),
  /** The worker reported the result delivered, but it never arrived, not even through the relay. */
  RESULT_LOST(true),
  /** The result arrived but does not decode into the declared return type. */
  RESULT_NOT_DECODABLE(false),
  /**
   * No attempt can succeed as the call stands: its workers cannot start, the batch system refuses
   * it, it ran out of the memory it asked for, or someone outside the run killed its job.
   */
  BACKEND(false),
  /** The run was closed before the call completed. */
  RUN_CLOSED(false),
  /**
   * The call did not run: an input it waited for (a handle passed as an argument) failed, or
   * fewer of a fan-out's calls succeeded than its aggregate asked for. The message names the input
   * call and its error; the input's {@link WorkFailedException} is the cause.
   */
  DEPENDENCY_FAILED(false),
  /** The call was cancelled, by the caller or because an input it waited for was cancelled. */
  CANCELLED(false);

  private final boolean retryable;

  FailureKind(boolean retryable) {
    this.retryable = retryable;
  }

  /** Whether another attempt may succeed; deterministic infrastructure errors are not retried. */
  public boolean retryable() {
    return retryable;
  }
}
