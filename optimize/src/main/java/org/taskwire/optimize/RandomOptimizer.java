package org.taskwire.optimize;

import java.util.List;
import java.util.SplittableRandom;

/** Uniform random points, from the seed: the plainest baseline. */
final class RandomOptimizer extends TrialBook {
  static final String NAME = "random";

  private SplittableRandom random;

  RandomOptimizer(SearchSpace space, List<Objective> objectives, long seed) {
    super(space, objectives, seed);
    this.random = new SplittableRandom(seed);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  double[] propose(List<TrialRecord> history) {
    double[] u = new double[space().dimensions()];
    for (int i = 0; i < u.length; i++) {
      u[i] = random.nextDouble();
    }
    return u;
  }

  /** The generator goes on as if it had drawn the saved points itself. */
  @Override
  void restore(OptimizerState state) {
    super.restore(state);
    random = new SplittableRandom(seed());
    for (long i = 0; i < state.drawn(); i++) {
      propose(List.of());
    }
  }
}
