package org.taskwire.benchmarks;

import java.util.Arrays;

/**
 * One measured figure: its value and unit, how many samples it rests on, and the 50th and 99th
 * percentiles where it is a distribution (null otherwise).
 */
record Figure(String name, double value, String unit, long n, Double p50, Double p99, String note) {

  static Figure of(String name, double value, String unit, long n, String note) {
    return new Figure(name, value, unit, n, null, null, note);
  }

  /** A latency figure from samples in nanoseconds, reported in milliseconds; its value is the p50. */
  static Figure latencyMs(String name, long[] nanos, String note) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    double p50 = percentile(sorted, 50) / 1e6;
    double p99 = percentile(sorted, 99) / 1e6;
    return new Figure(name, p50, "ms", sorted.length, p50, p99, note);
  }

  /** Nearest-rank percentile of sorted samples. */
  static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
