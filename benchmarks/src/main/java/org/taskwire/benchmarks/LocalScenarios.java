package org.taskwire.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.taskwire.AsyncResult;
import org.taskwire.MapResult;
import org.taskwire.WorkflowRun;

/**
 * The local backend, as a user runs it: blocking round trips, one large
 * fan-out, and the client's heap with many calls outstanding.
 */
final class LocalScenarios {
  private LocalScenarios() {}

  static WorkflowRun.Builder localRun(int workers) {
    return BenchTasks.builder()
        .backend("local")
        .set("taskwire.local.workers", Integer.toString(workers))
        .set("taskwire.progress", "off");
  }

  /** call_latency and fanout_throughput, in one run of two warm workers. */
  static List<Figure> latencyAndFanout(Plan plan, Harness.Log log) {
    List<Figure> figures = new ArrayList<>();
    try (WorkflowRun run = localRun(2).start()) {
      log.say("warming up: %d calls", plan.warmupCalls());
      fanout(plan.warmupCalls(), 0);
      for (int i = 0; i < plan.warmupCalls() / 10; i++) {
        BenchTasks.inc(i);
      }

      log.say("call_latency: %d blocking calls", plan.latencyCalls());
      figures.add(Figure.latencyMs("call_latency", blockingCalls(plan.latencyCalls()),
          "blocking round trip of inc(x), 2 local worker JVMs, results on their pipes"));

      for (int calls : List.of(plan.smallFanout(), plan.largeFanout())) {
        log.say("fanout_throughput: %,d calls", calls);
        double seconds = fanout(calls, 1_000_000);
        String name = calls == plan.smallFanout() ? "fanout_throughput" : "fanout_throughput_" + label(calls);
        figures.add(Figure.of(name, calls / seconds, "calls/s", calls,
            String.format("one incMap of %,d calls in %.2f s, 2 local worker JVMs, default batching", calls, seconds)));
      }
    }
    return figures;
  }

  /**
   * fanout_throughput_batch&lt;n&gt;: the 10k fan-out again with at most {@code batch} calls per worker
   * message (1: one call, one result message and one receipt wait at a time).
   */
  static Figure fanoutWithBatch(Plan plan, int batch, Harness.Log log) {
    try (WorkflowRun run = localRun(2).set("taskwire.local.batch", Integer.toString(batch)).start()) {
      fanout(plan.warmupCalls(), 0);
      log.say("fanout_throughput with taskwire.local.batch=%d: %,d calls", batch, plan.smallFanout());
      double seconds = fanout(plan.smallFanout(), 1_000_000);
      return Figure.of("fanout_throughput_batch" + batch, plan.smallFanout() / seconds, "calls/s", plan.smallFanout(),
          String.format("the 10k fan-out with taskwire.local.batch=%d, in %.2f s", batch, seconds));
    }
  }

  /** Makes {@code n} blocking calls of inc(x) one after the other; returns each one's round trip in nanoseconds. */
  static long[] blockingCalls(int n) {
    long[] nanos = new long[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      int r = BenchTasks.inc(i);
      nanos[i] = System.nanoTime() - t0;
      check(r == i + 1, "inc(" + i + ") returned " + r);
    }
    return nanos;
  }

  /** Runs one fan-out of {@code calls} distinct calls; returns its wall time in seconds. */
  static double fanout(int calls, int offset) {
    List<BenchTasks.IncArgs> args = IntStream.range(offset, offset + calls).mapToObj(BenchTasks.IncArgs::new).toList();
    long t0 = System.nanoTime();
    MapResult<BenchTasks.IncArgs, Integer> results = BenchTasks.incMap(args);
    double seconds = (System.nanoTime() - t0) / 1e9;
    long wrong = results.entrySet().stream()
        .filter(e -> !e.getValue().succeeded() || e.getValue().value() != e.getKey().x() + 1)
        .count();
    check(wrong == 0, wrong + " of " + calls + " calls failed or returned a wrong value");
    return seconds;
  }

  /** client_memory: the heap the client holds for each outstanding call, behind one busy worker. */
  /**
   * @param calls how many calls are outstanding when the heap is measured
   */
  static Figure clientMemory(String name, int calls, Harness.Log log) {
    try (WorkflowRun run = localRun(1).start()) {
      List<AsyncResult<Integer>> outstanding = new ArrayList<>(calls);
      outstanding.add(BenchTasks.holdAsync(-1));
      long before = usedHeapAfterGc();
      log.say("%s: %,d outstanding calls", name, calls);
      for (int i = 0; i < calls; i++) {
        outstanding.add(BenchTasks.holdAsync(i));
      }
      long after = usedHeapAfterGc();
      long done = outstanding.stream().filter(AsyncResult::isDone).count();
      check(done == 0, done + " calls completed while they should be outstanding");
      double mb = (after - before) / 1e6;
      return Figure.of(name, mb, "MB", calls, String.format(
          "heap after GC grows by %.0f bytes per outstanding call (%.1f MB in use in all)",
          (after - before) / (double) calls, after / 1e6));
    }
  }

  static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static String label(int calls) {
    return calls % 1000 == 0 ? (calls / 1000) + "k" : Integer.toString(calls);
  }

  static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }
}
