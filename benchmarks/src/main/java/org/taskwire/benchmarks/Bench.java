package org.taskwire.benchmarks;

import org.taskwire.annotations.Work;
import org.taskwire.annotations.Workflow;

/**
 * The work the benchmarks run: trivial on purpose, so the figures measure Taskwire's own cost
 * per call, not the work's.
 */
@Workflow(name = "bench")
public final class Bench {
  private Bench() {}

  /** The trivial function every scenario and peer runs: returns its argument plus one. */
  @Work(memoryMb = 512)
  static int inc(int x) {
    return x + 1;
  }

  /** Returns its argument plus one after {@code millis} ms: a step whose calls differ in duration. */
  @Work(memoryMb = 512)
  static int incAfter(int x, int millis) throws InterruptedException {
    if (millis > 0) {
      Thread.sleep(millis);
    }
    return x + 1;
  }

  /** The sum of a step's values after {@code millis} ms: an all-to-one merge. */
  @Work(memoryMb = 512)
  static int sumAfter(java.util.Map<Integer, Integer> values, int millis) throws InterruptedException {
    if (millis > 0) {
      Thread.sleep(millis);
    }
    return values.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** A result of {@code bytes} bytes, for fan-in. */
  @Work(memoryMb = 512)
  static byte[] blob(int bytes) {
    return new byte[bytes];
  }

  /** Holds its worker, so calls queued behind it stay outstanding (client memory). */
  @Work(memoryMb = 512, walltime = "10m")
  static int hold(int id) throws InterruptedException {
    Thread.sleep(600_000);
    return id;
  }
}
