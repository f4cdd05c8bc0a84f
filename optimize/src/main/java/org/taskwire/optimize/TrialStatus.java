package org.taskwire.optimize;

/** Where a trial is: asked for and not told of yet, or how it ended. */
public enum TrialStatus {
  /** Asked for; its measurements are awaited. Optimisers take running trials into account. */
  RUNNING,
  /** Told its measurements. */
  COMPLETED,
  /** Its evaluation failed; an optimiser may propose a point like it again. */
  FAILED,
  /** Given up on without an evaluation (a bad point, a change of plan); never proposed again. */
  ABANDONED
}
