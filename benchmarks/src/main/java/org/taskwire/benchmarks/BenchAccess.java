package org.taskwire.benchmarks;

import org.taskwire.WorkflowRun;
import org.taskwire.spi.WorkDefinition;
import org.taskwire.spi.WorkflowDefinition;

/** The benchmark workflow's generated pieces, for the JMH benchmarks in other packages. */
public final class BenchAccess {
  private BenchAccess() {}

  public static WorkflowDefinition workflow() {
    return Bench_WorkRegistry.WORKFLOW;
  }

  public static WorkDefinition<?, ?> inc() {
    return Bench_WorkRegistry.INC;
  }

  public static WorkDefinition<?, ?> blob() {
    return Bench_WorkRegistry.BLOB;
  }

  public static Record incArgs(int x) {
    return new BenchTasks.IncArgs(x);
  }

  /** Calls {@code inc} through the generated proxy, blocking. */
  public static int inc(int x) {
    return BenchTasks.inc(x);
  }

  /** An open in-process run of the benchmark workflow. */
  public static WorkflowRun inProcessRun() {
    return BenchTasks.builder().backend("inprocess").set("taskwire.progress", "off").start();
  }
}
