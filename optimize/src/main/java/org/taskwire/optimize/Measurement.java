package org.taskwire.optimize;

/**
 * What a trial measured of one metric: its mean and, when known, its standard error (NaN when
 * not: the optimiser then treats the metric as noisy with a noise it estimates).
 */
public record Measurement(double mean, double sem) {
  public Measurement {
    if (!Double.isFinite(mean)) {
      throw new IllegalArgumentException("a measurement's mean must be finite, got " + mean
          + "; mark the trial failed instead");
    }
    if (!Double.isNaN(sem) && (!Double.isFinite(sem) || sem < 0)) {
      throw new IllegalArgumentException("a measurement's standard error must be finite and not negative, got " + sem);
    }
  }

  /** A mean whose standard error is unknown. */
  public static Measurement of(double mean) {
    return new Measurement(mean, Double.NaN);
  }

  public static Measurement of(double mean, double sem) {
    return new Measurement(mean, sem);
  }
}
