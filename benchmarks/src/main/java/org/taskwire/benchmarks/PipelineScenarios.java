package org.taskwire.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.taskwire.AsyncMapResult;
import org.taskwire.MapResult;
import org.taskwire.WorkflowRun;
import org.taskwire.benchmarks.BenchTasks.IncArgs;

/**
 * A three-step pipeline over many keys of the trivial work, {@code inc(inc(inc(k)))} per key, on
 * two local workers: chained by handles (each call submitted the moment its input arrives), and by
 * blocking step-by-step fan-outs (each step waits for the whole previous one). Dask's futures
 * passed as arguments run the same pipeline in peers.py. The straggler variant gives each step one
 * slow call at a different key: blocking steps wait for each; handles let the other keys flow on.
 */
final class PipelineScenarios {
  private PipelineScenarios() {}

  static List<Figure> threeSteps(Plan plan, Harness.Log log) {
    int keys = plan.pipelineKeys();
    List<Integer> grid = IntStream.range(0, keys).boxed().toList();
    List<Figure> figures = new ArrayList<>();
    try (WorkflowRun run = LocalScenarios.localRun(2).start()) {
      LocalScenarios.fanout(plan.warmupCalls(), 0);
      handles(grid); // warm the handle path too

      log.say("steps_handles: 3 steps x %,d keys chained by handles", keys);
      double handles = handles(grid);
      figures.add(Figure.of("steps_handles", 3.0 * keys / handles, "calls/s", 3L * keys, String.format(
          "inc(inc(inc(k))) over %,d keys: incMapAsync, then incMapAsync(keys, k -> new IncIn(previous.at(k))) twice, "
              + "in %.2f s, 2 local worker JVMs", keys, handles)));

      log.say("steps_blocking: 3 steps x %,d keys as blocking fan-outs", keys);
      double blocking = blocking(grid);
      figures.add(Figure.of("steps_blocking", 3.0 * keys / blocking, "calls/s", 3L * keys, String.format(
          "the same pipeline as three blocking incMap fan-outs, each waiting for the last, in %.2f s", blocking)));
    }

    // Calls of 10 ms and more are not batched, as real steps are not: each goes to a free worker.
    log.say("steps_straggler: 3 steps x %d keys of %d ms, one call of %d ms per step, 4 workers", STRAGGLER_KEYS,
        STEP_MS, STRAGGLER_MS);
    List<Integer> few = grid.subList(0, Math.min(STRAGGLER_KEYS, grid.size()));
    try (WorkflowRun run = LocalScenarios.localRun(4).start()) {
      stragglersByHandles(few);
      double streamed = stragglersByHandles(few);
      double barriers = stragglersBlocking(few);
      figures.add(Figure.of("steps_straggler_handles", streamed * 1000, "ms", 3L * few.size(), String.format(
          "3 steps x %d keys of incAfter(%d ms), step s taking %d ms at key s only, chained by handles, 4 local "
              + "workers; no barrier, so about one straggler's time", few.size(), STEP_MS, STRAGGLER_MS)));
      figures.add(Figure.of("steps_straggler_blocking", barriers * 1000, "ms", 3L * few.size(), String.format(
          "the same as three blocking fan-outs: each step waits for its straggler, so at least 3 x %d ms",
          STRAGGLER_MS)));
    }
    return figures;
  }

  /** Design points of the DAG scenario, and keys (sims) per design point. */
  static final int DAG_POINTS = 3;
  static final int DAG_KEYS = 12;
  /** Each call's time in the DAG scenario: issue 25's 200 ms, scaled down. */
  static final int DAG_MS = 50;

  /**
   * Issue 25's DAG: {@value #DAG_POINTS} design points evaluated at once, each {@value #DAG_KEYS}
   * sims, one-to-one recos and an all-to-one merge, every call {@value #DAG_MS} ms, on 2 local
   * workers. What an optimiser waits for is each design point's merge: the first one's time, and the
   * last one's (the makespan). Dask runs the same DAG with futures in peers.py.
   */
  static List<Figure> designPointDag(Plan plan, Harness.Log log) {
    List<Integer> keys = IntStream.range(0, DAG_KEYS).boxed().toList();
    try (WorkflowRun run = LocalScenarios.localRun(2).start()) {
      LocalScenarios.fanout(plan.warmupCalls(), 0);
      dag(keys); // warm the path
      double[] best = null;
      for (int round = 0; round < (plan.quick() ? 1 : 3); round++) {
        double[] t = dag(keys);
        log.say("dag: first design point merged at %.0f ms, last at %.0f ms", t[0], t[1]);
        best = best == null || t[1] < best[1] ? t : best;
      }
      String shape = String.format("%d design points x (%d sims -> %d recos -> merge), calls of %d ms, 2 local workers",
          DAG_POINTS, DAG_KEYS, DAG_KEYS, DAG_MS);
      long calls = (long) DAG_POINTS * (2 * DAG_KEYS + 1);
      return List.of(
          Figure.of("dag_first_merge", best[0], "ms", calls, "the first design point's merge, " + shape
              + "; best of 3 by makespan"),
          Figure.of("dag_makespan", best[1], "ms", calls, "the last design point's merge, " + shape),
          Figure.of("dag_first_share", 100 * best[0] / best[1], "%", calls,
              "the first merge's time as a share of the makespan (issue 25's target: at most 40 %)"));
    }
  }

  /** One run of the DAG: the first merge's and the last merge's time, in ms. */
  private static double[] dag(List<Integer> keys) {
    long t0 = System.nanoTime();
    List<java.util.concurrent.CompletableFuture<Long>> merged = new ArrayList<>();
    for (int point = 0; point < DAG_POINTS; point++) {
      int offset = point * 1000;
      AsyncMapResult<Integer, Integer> sims = BenchTasks.incAfterMapAsync(keys,
          k -> new BenchTasks.IncAfterArgs(offset + k, DAG_MS));
      AsyncMapResult<Integer, Integer> recos = BenchTasks.incAfterMapAsync(keys,
          k -> new BenchTasks.IncAfterIn(sims.at(k), org.taskwire.In.of(DAG_MS)));
      org.taskwire.AsyncResult<Integer> merge = BenchTasks.sumAfterAsync(recos.values(), org.taskwire.In.of(DAG_MS));
      int expected = keys.stream().mapToInt(k -> offset + k + 2).sum();
      merged.add(merge.stage().thenApply(sum -> {
        LocalScenarios.check(sum == expected, "the DAG's merge got " + sum + ", not " + expected);
        return System.nanoTime();
      }).toCompletableFuture());
    }
    long first = Long.MAX_VALUE;
    long last = 0;
    for (var f : merged) {
      long at = f.join();
      first = Math.min(first, at);
      last = Math.max(last, at);
    }
    return new double[] {(first - t0) / 1e6, (last - t0) / 1e6};
  }

  private static final int STRAGGLER_KEYS = 20;
  private static final int STEP_MS = 10;
  private static final int STRAGGLER_MS = 300;

  private static int delay(int step, int key) {
    return key == step ? STRAGGLER_MS : STEP_MS;
  }

  private static double stragglersByHandles(List<Integer> grid) {
    long t0 = System.nanoTime();
    AsyncMapResult<Integer, Integer> first = BenchTasks.incAfterMapAsync(grid,
        k -> new BenchTasks.IncAfterArgs(k, delay(0, k)));
    AsyncMapResult<Integer, Integer> second = BenchTasks.incAfterMapAsync(grid,
        k -> new BenchTasks.IncAfterIn(first.at(k), org.taskwire.In.of(delay(1, k))));
    AsyncMapResult<Integer, Integer> third = BenchTasks.incAfterMapAsync(grid,
        k -> new BenchTasks.IncAfterIn(second.at(k), org.taskwire.In.of(delay(2, k))));
    MapResult<Integer, Integer> done = third.await();
    double seconds = (System.nanoTime() - t0) / 1e9;
    check(done, grid);
    return seconds;
  }

  private static double stragglersBlocking(List<Integer> grid) {
    long t0 = System.nanoTime();
    MapResult<Integer, Integer> first = BenchTasks.incAfterMap(grid, k -> new BenchTasks.IncAfterArgs(k, delay(0, k)));
    MapResult<Integer, Integer> second = BenchTasks.incAfterMap(grid,
        k -> new BenchTasks.IncAfterArgs(first.value(k), delay(1, k)));
    MapResult<Integer, Integer> third = BenchTasks.incAfterMap(grid,
        k -> new BenchTasks.IncAfterArgs(second.value(k), delay(2, k)));
    double seconds = (System.nanoTime() - t0) / 1e9;
    check(third, grid);
    return seconds;
  }

  private static double handles(List<Integer> grid) {
    long t0 = System.nanoTime();
    AsyncMapResult<Integer, Integer> first = BenchTasks.incMapAsync(grid, k -> new IncArgs(k));
    AsyncMapResult<Integer, Integer> second = BenchTasks.incMapAsync(grid, k -> new BenchTasks.IncIn(first.at(k)));
    AsyncMapResult<Integer, Integer> third = BenchTasks.incMapAsync(grid, k -> new BenchTasks.IncIn(second.at(k)));
    MapResult<Integer, Integer> done = third.await();
    double seconds = (System.nanoTime() - t0) / 1e9;
    check(done, grid);
    return seconds;
  }

  private static double blocking(List<Integer> grid) {
    long t0 = System.nanoTime();
    MapResult<IncArgs, Integer> first = BenchTasks.incMap(grid.stream().map(IncArgs::new).toList());
    MapResult<IncArgs, Integer> second = BenchTasks.incMap(
        grid.stream().map(k -> new IncArgs(first.value(new IncArgs(k)))).toList());
    MapResult<IncArgs, Integer> third = BenchTasks.incMap(
        grid.stream().map(k -> new IncArgs(second.value(new IncArgs(k + 1)))).toList());
    double seconds = (System.nanoTime() - t0) / 1e9;
    for (int k : grid) {
      LocalScenarios.check(third.value(new IncArgs(k + 2)) == k + 3, "the blocking pipeline got a wrong value for " + k);
    }
    return seconds;
  }

  private static void check(MapResult<Integer, Integer> done, List<Integer> grid) {
    for (int k : grid) {
      LocalScenarios.check(done.get(k) != null && done.get(k).succeeded() && done.value(k) == k + 3,
          "the handle pipeline got a wrong value or a failure for " + k + ": " + done.get(k));
    }
  }
}
