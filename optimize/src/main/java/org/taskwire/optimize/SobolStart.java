package org.taskwire.optimize;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A model-based optimiser's skeleton: its first {@link #initialPoints} proposals are points of a
 * Sobol design, as are those made while the model has too little to go on; then the model
 * proposes. Each proposal draws from its own random stream, seeded by the optimiser's seed and the
 * number of points drawn, so that a saved and loaded optimiser proposes what the original would
 * have.
 */
abstract class SobolStart extends TrialBook {
  private final SobolOptimizer design;

  SobolStart(SearchSpace space, List<Objective> objectives, long seed) {
    this(space, objectives, List.of(), seed);
  }

  SobolStart(SearchSpace space, List<Objective> objectives, List<OutcomeConstraint> outcomeConstraints, long seed) {
    super(space, objectives, outcomeConstraints, seed);
    this.design = new SobolOptimizer(space, objectives, seed);
  }

  /** Refuses fewer than two objectives, for an optimiser made for several. */
  static void requireSeveral(String optimiser, List<Objective> objectives) {
    if (objectives.size() < 2) {
      throw new IllegalArgumentException(optimiser + " takes two objectives or more, got " + objectives.size()
          + "; for one, use Optimizers.gp");
    }
  }

  /** How many Sobol points come before the model's first proposal. */
  abstract int initialPoints();

  /** The model's proposal, or null while the trials give it too little to go on. */
  abstract double[] fromModel(List<TrialRecord> history, SplittableRandom random);

  private boolean lastDesigned;

  @Override
  final double[] propose(List<TrialRecord> history) {
    long n = drawn();
    double[] next = n < initialPoints() || space().dimensions() == 0 ? null
        : fromModel(history, new SplittableRandom(seed() * 1_000_003L + n));
    lastDesigned = next == null;
    return next != null ? next : design.point(n);
  }

  @Override
  final boolean lastProposalDesigned() {
    return lastDesigned;
  }
}
