package org.taskwire.optimize;

import java.util.List;

/**
 * Everything an optimiser needs to go on where it stopped: which optimiser, its seed, how many
 * points it has drawn, and every trial with what became of it. Written and read as JSON by
 * {@link Optimizers#save} and {@link Optimizers#load}.
 */
public record OptimizerState(String optimizer, long seed, long drawn, List<TrialRecord> trials) {
  public OptimizerState {
    trials = List.copyOf(trials);
  }
}
