package org.taskwire.optimize;

import org.apache.commons.numbers.gamma.Erfc;

/**
 * The standard normal distribution's density, distribution function and draws, as the acquisitions
 * call them (hundreds of times per candidate): Commons Numbers' {@code Erfc}, a port of Boost's rational
 * approximations, is accurate to a few ulps and far faster than Commons Math 3's, which goes through
 * the incomplete gamma function.
 */
final class StandardNormal {
  private static final double SQRT_HALF = Math.sqrt(0.5);
  private static final double INVERSE_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

  private StandardNormal() {}

  /** Φ(z). */
  static double cdf(double z) {
    return 0.5 * Erfc.value(-z * SQRT_HALF);
  }

  /** A draw of the distribution (Box–Muller), from a random source the caller seeded. */
  static double draw(java.util.SplittableRandom random) {
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  /** φ(z). */
  static double density(double z) {
    return INVERSE_SQRT_2PI * Math.exp(-0.5 * z * z);
  }
}
