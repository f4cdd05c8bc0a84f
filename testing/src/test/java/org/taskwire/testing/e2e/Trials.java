package org.taskwire.testing.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;
import org.taskwire.annotations.Codec;
import org.taskwire.annotations.Work;
import org.taskwire.annotations.Workflow;

/**
 * The objective of the optimisation studies' end-to-end tests: Branin, evaluated in a worker that
 * leaves a trace of each evaluation in a directory the test sees.
 */
@Workflow(name = "trials", maxAttempts = 1, memoryMb = 256)
public final class Trials {
  private Trials() {}

  /** An evaluation's result, naming its trial so that a run's journal tells which trial ended. */
  public record Evaluated(int trial, double value) {}

  /**
   * Branin at (x1, x2) for trial {@code trial}. Leaves {@code start-<trial>-<uuid>} in
   * {@code dir} as it starts and {@code end-<trial>-<uuid>} before it returns, each holding the
   * time in milliseconds. Trials below {@code rendezvous} do not go on until all of them have
   * started: they can only succeed if that many run at once. Each takes {@code millis} at least.
   */
  @Work(codec = Codec.JSON)
  static Evaluated branin(int trial, double x1, double x2, String dir, int rendezvous, long millis)
      throws InterruptedException {
    mark(dir, "start-" + trial);
    if (trial < rendezvous) {
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (started(dir, rendezvous) < rendezvous) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("waited 120 s for the first " + rendezvous + " trials to run at once");
        }
        Thread.sleep(10);
      }
    }
    Thread.sleep(millis);
    double a = x2 - 5.1 / (4 * Math.PI * Math.PI) * x1 * x1 + 5 / Math.PI * x1 - 6;
    double value = a * a + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
    mark(dir, "end-" + trial);
    return new Evaluated(trial, value);
  }

  /** How many of the trials below {@code n} have started. */
  private static long started(String dir, int n) {
    try (Stream<Path> all = Files.list(Path.of(dir))) {
      return all.map(p -> p.getFileName().toString()).filter(f -> f.startsWith("start-"))
          .map(f -> Integer.parseInt(f.split("-")[1])).filter(t -> t < n).distinct().count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void mark(String dir, String name) {
    try {
      Path tmp = Path.of(dir, ".tmp-" + UUID.randomUUID());
      Files.writeString(tmp, Long.toString(System.currentTimeMillis()));
      Files.move(tmp, Path.of(dir, name + "-" + UUID.randomUUID()), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
