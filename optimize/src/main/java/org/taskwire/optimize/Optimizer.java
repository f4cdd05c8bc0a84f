package org.taskwire.optimize;

import java.util.List;
import java.util.Optional;

/**
 * An optimiser with Ax's ask/tell contract. {@link #ask} proposes trials, taking those still
 * running into account; each trial is then {@link #tell told} its measurements, or marked
 * {@link #fail failed} (a point like it may come again) or {@link #abandon abandoned} (never
 * again). Its state is saved and loaded whole ({@link Optimizers}). Not thread-safe: one caller
 * (a study's driver) asks and tells.
 */
public interface Optimizer {

  /** The optimiser's name, as its saved state records it. */
  String name();

  SearchSpace space();

  List<Objective> objectives();

  /** The bounds measured metrics must keep for a trial to count; none unless given when the optimiser was made. */
  default List<OutcomeConstraint> outcomeConstraints() {
    return List.of();
  }

  /**
   * Proposes {@code n} new trials, each with a fresh id, now running.
   *
   * @throws IllegalArgumentException if {@code n} is below 1
   */
  List<Trial> ask(int n);

  /**
   * Adds a trial at parameters chosen elsewhere (a baseline design, a point evaluated by hand: Ax's
   * {@code attach_trial}), with a fresh id, running; {@link #tell} it as any other. The optimiser
   * takes it into account from then on.
   *
   * @throws IllegalArgumentException if the parameters do not fit the space or break a constraint
   */
  Trial attach(java.util.Map<String, Object> parameters);

  /**
   * Completes a running trial with its measurements, one for every objective at least.
   *
   * @throws IllegalStateException if the trial is unknown or not running
   * @throws IllegalArgumentException if an objective is missing
   */
  void tell(int trialId, java.util.Map<String, Measurement> measurements);

  /** Marks a running trial failed, saying why. */
  void fail(int trialId, String reason);

  /** Marks a running trial abandoned, saying why. */
  void abandon(int trialId, String reason);

  /** Every trial so far, by id. */
  List<TrialRecord> trials();

  /**
   * The best completed trial of a single-objective optimiser, among those that keep every outcome
   * constraint (empty if none does).
   *
   * @throws IllegalStateException if the optimiser has several objectives (see {@link #paretoFront})
   */
  Optional<TrialRecord> best();

  /**
   * The completed trials no other completed trial dominates, within the objectives' thresholds and
   * keeping every outcome constraint.
   */
  List<TrialRecord> paretoFront();

  /** The whole state, to {@link Optimizers#load load} later. */
  OptimizerState save();
}
