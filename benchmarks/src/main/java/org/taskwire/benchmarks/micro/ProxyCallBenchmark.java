package org.taskwire.benchmarks.micro;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.taskwire.WorkflowRun;
import org.taskwire.benchmarks.BenchAccess;

/**
 * A blocking call through the generated proxy on the in-process backend: arguments encoded, the
 * call tracked, invoked on a pool thread, its result encoded, decoded and matched. What every
 * call costs before any process or network boundary.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ProxyCallBenchmark {
  private WorkflowRun run;
  private int x;

  @Setup
  public void setUp() {
    run = BenchAccess.inProcessRun();
  }

  @TearDown
  public void tearDown() {
    run.close();
  }

  @Benchmark
  public int blockingCall() {
    return BenchAccess.inc(x++);
  }
}
