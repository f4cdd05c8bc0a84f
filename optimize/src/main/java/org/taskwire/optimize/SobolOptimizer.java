package org.taskwire.optimize;

import java.util.List;
import java.util.Random;
import org.apache.commons.math3.random.SobolSequenceGenerator;

/**
 * Quasi-random points of a Sobol sequence (Joe and Kuo's directions, from Commons Math), shifted
 * by a random vector drawn from the seed (a Cranley–Patterson rotation, so that seeds give
 * different, equally even designs; seed 0 gives the plain sequence). The baseline of every
 * study, and the start of the model-based optimisers. Running trials change nothing: the
 * sequence fills the space evenly whatever is pending.
 */
final class SobolOptimizer extends TrialBook {
  static final String NAME = "sobol";

  private final SobolSequenceGenerator sequence;
  private final double[] shift;

  SobolOptimizer(SearchSpace space, List<Objective> objectives, long seed) {
    super(space, objectives, seed);
    int d = Math.max(1, space.dimensions());
    if (d > 1000) {
      throw new IllegalArgumentException("a Sobol sequence has at most 1000 dimensions, the space has " + d);
    }
    this.sequence = new SobolSequenceGenerator(d);
    this.shift = new double[d];
    if (seed != 0) {
      Random random = new Random(seed);
      for (int i = 0; i < d; i++) {
        shift[i] = random.nextDouble();
      }
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  double[] propose(List<TrialRecord> history) {
    return point(drawn());
  }

  /**
   * Point {@code index} of the shifted sequence. Computed from the index alone, so that a restored
   * optimiser goes on exactly where it stopped.
   */
  double[] point(long index) {
    if (index > Integer.MAX_VALUE) {
      throw new IllegalStateException("the Sobol sequence has no point " + index);
    }
    double[] v = sequence.skipTo((int) index);
    double[] u = new double[space().dimensions()];
    for (int i = 0; i < u.length; i++) {
      double x = v[i] + shift[i];
      u[i] = x - Math.floor(x);
    }
    return u;
  }
}
