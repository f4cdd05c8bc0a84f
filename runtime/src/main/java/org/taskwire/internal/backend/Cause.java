package org.taskwire.internal.backend;

/**
 * What ended a call's attempt without a value, as a backend saw it. Backends report causes, never
 * failure kinds: the run's one failure table ({@code internal.run.FailureTable}) says what kind of
 * failure each cause is, and so whether another attempt may mend it, on every backend alike.
 */
public sealed interface Cause permits Cause.Seen, Cause.WrapperExited {

  /** What a backend sees end an attempt, whatever the backend. */
  enum Seen implements Cause {
    /** The worker ran the call and reported its failure: the work threw, or its arguments or result could not travel. */
    REPORTED,
    /** The worker or job died before it answered: an exit, a signal, a pilot that fell silent. */
    WORKER_DIED,
    /** The call outlived its walltime, and its worker or job was killed. */
    WALLTIME,
    /** The worker or job ran out of memory. */
    OUT_OF_MEMORY,
    /** The node failed, or the job was preempted. */
    NODE_LOST,
    /** Someone outside the run killed the job: {@code scancel}, a PanDA kill, an administrator. */
    KILLED,
    /** The result was sent but never arrived, and its job left no record of it. */
    RESULT_LOST,
    /** The result is larger than its channel takes. */
    RESULT_TOO_LARGE,
    /**
     * The backend cannot run the call: its workers cannot start, or the batch system refuses it or
     * holds it for a reason no wait cures.
     */
    REFUSED
  }

  /** The wrapper ended with one of its own exit codes, without a result. */
  record WrapperExited(WrapperExit exit) implements Cause {
    public WrapperExited {
      java.util.Objects.requireNonNull(exit, "exit");
    }
  }
}
