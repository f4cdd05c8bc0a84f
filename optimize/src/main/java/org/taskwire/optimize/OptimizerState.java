package org.taskwire.optimize;

import java.util.List;

/**
 * Everything an optimiser needs to go on where it stopped: which optimiser, its seed, how many
 * points it has drawn, every trial with what became of it, and which trials its space-filling
 * design proposed rather than its model. Written and read as JSON by {@link Optimizers#save} and
 * {@link Optimizers#load}.
 *
 * @param designed the ids of trials proposed by the Sobol (or random) design; empty in a state
 *     saved before it was recorded
 */
public record OptimizerState(String optimizer, long seed, long drawn, List<TrialRecord> trials, List<Integer> designed) {
  public OptimizerState {
    trials = List.copyOf(trials);
    designed = designed == null ? List.of() : List.copyOf(designed);
  }

  /** A state with no record of which trials the design proposed. */
  public OptimizerState(String optimizer, long seed, long drawn, List<TrialRecord> trials) {
    this(optimizer, seed, drawn, trials, List.of());
  }
}
