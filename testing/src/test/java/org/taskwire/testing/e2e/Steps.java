package org.taskwire.testing.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.taskwire.MapResult;
import org.taskwire.annotations.Codec;
import org.taskwire.annotations.Work;
import org.taskwire.annotations.Workflow;

/**
 * A multi-step workflow for the end-to-end tests: a parent step per grid point, a one-to-one child
 * and all-to-one merges, with file gates (a directory the test and every worker see) that prove
 * ordering across processes without sleeps.
 */
@Workflow(name = "steps", maxAttempts = 1, memoryMb = 256)
public final class Steps {
  private Steps() {}

  /** A grid point: the key of the fan-outs. */
  public record Point(String particle, double eta) {}

  /**
   * The first step. Particle {@code fail} throws. Particle {@code slow} does not return until the
   * child of another point has started (the file {@code child-started} appears in {@code gate}),
   * so it can only succeed if children start while it runs. Particle {@code hold} waits until the
   * file {@code release} appears.
   */
  @Work
  static double parent(Point point, String gate) {
    switch (point.particle()) {
      case "fail":
        throw new IllegalStateException("no detector response for " + point);
      case "slow":
        awaitFile(Path.of(gate, "child-started"), "a child to start while the slowest parent runs");
        break;
      case "hold":
        awaitFile(Path.of(gate, "release"), "the test to release it");
        break;
      default:
        break;
    }
    return point.eta() * 10;
  }

  /** The one-to-one second step: marks that a child started, then scales its parent's value. */
  @Work
  static double child(Point point, double parentValue, String gate) {
    try {
      // A name of its own: several trials' children with the same point may run at once in one process.
      Path tmp = Path.of(gate, "child-started.tmp-" + java.util.UUID.randomUUID());
      Files.writeString(tmp, "");
      Files.move(tmp, Path.of(gate, "child-started"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return parentValue + 1000 * point.eta();
  }

  /** A boxed result that is null for a negative argument. */
  @Work
  static Double orNull(double v) {
    return v < 0 ? null : v;
  }

  /** All-to-one over the successes, with the default codec (Kryo). */
  @Work
  static String merge(Map<Point, Double> values) {
    return describe(values);
  }

  /** All-to-one over the successes, in JSON. */
  @Work(codec = Codec.JSON)
  static String mergeJson(Map<Point, Double> values) {
    return describe(values);
  }

  /** All-to-one over every outcome, with the default codec. */
  @Work
  static String tally(MapResult<Point, Double> outcomes) {
    return describe(outcomes);
  }

  /** All-to-one over every outcome, in JSON. */
  @Work(codec = Codec.JSON)
  static String tallyJson(MapResult<Point, Double> outcomes) {
    return describe(outcomes);
  }

  /** A simulation of one key of a design point: notes its start in the journal, then works for {@code millis}. */
  @Work
  static String sim(int design, int key, String journal, long millis) throws InterruptedException {
    note(journal, "sim " + design + "." + key);
    Thread.sleep(millis);
    return design + "." + key;
  }

  /** A work that outranks the others ({@code priority}): notes its start, then works for {@code millis}. */
  @Work(priority = 5)
  static String urgent(int design, int key, String journal, long millis) throws InterruptedException {
    note(journal, "urgent " + design + "." + key);
    Thread.sleep(millis);
    return design + "." + key;
  }

  /** Its reconstruction, one-to-one: notes its start, then works for {@code millis}. */
  @Work
  static String reco(int design, int key, String sim, String journal, long millis) throws InterruptedException {
    note(journal, "reco " + design + "." + key);
    Thread.sleep(millis);
    return sim;
  }

  /** A design point's merge, all-to-one over its reconstructions: how many there were. */
  @Work
  static int count(Map<Integer, String> recos) {
    return recos.size();
  }

  /** One line at the journal's end, in one append: the order calls started in, across worker processes. */
  private static void note(String journal, String line) {
    try {
      Files.writeString(Path.of(journal), line + "\n", java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Step one of the resume test: leaves a file {@code a-<x>-<uuid>} per execution, returns x. */
  @Work(codec = Codec.JSON)
  static double stepA(String counts, int x, long millis) throws InterruptedException {
    mark(counts, "a-" + x);
    Thread.sleep(millis);
    return x;
  }

  /** Step two, one-to-one after {@link #stepA}: a file {@code b-<x>-<uuid>} per execution, returns x + 10^6. */
  @Work(codec = Codec.JSON)
  static double stepB(String counts, double a, long millis) throws InterruptedException {
    mark(counts, "b-" + (long) a);
    Thread.sleep(millis);
    return a + 1_000_000;
  }

  /** Step three, all-to-one: the sum of step two's values. */
  @Work
  static double sum(Map<Integer, Double> values) {
    return values.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  private static void mark(String counts, String name) {
    try {
      Path tmp = Path.of(counts, name + "-" + java.util.UUID.randomUUID() + ".tmp");
      Files.writeString(tmp, "");
      Files.move(tmp, Path.of(counts, tmp.getFileName().toString().replace(".tmp", "")),
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Keys in order with their values, and the failures' kinds and messages, in one line. */
  static String describe(Map<Point, ?> map) {
    StringBuilder b = new StringBuilder();
    map.forEach((k, v) -> {
      b.append(k.particle()).append('@').append(k.eta()).append('=');
      if (v instanceof org.taskwire.Outcome<?> o) {
        b.append(o.succeeded() ? String.valueOf(o.value())
            : o.failure().orElseThrow().kind() + ":" + o.failure().orElseThrow().remoteMessage());
      } else {
        b.append(v);
      }
      b.append(';');
    });
    return b.toString();
  }

  private static void awaitFile(Path file, String what) {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!Files.exists(file)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("waited 120 s for " + what + " (" + file + ")");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what);
      }
    }
  }
}
