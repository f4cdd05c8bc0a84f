package org.taskwire.internal.run;

import java.util.concurrent.atomic.AtomicInteger;

/** Live counts of one task's calls, for progress display. */
public final class TaskProgress {
  /**
   * The counts of single calls, which no display shows: one shared instance, so that a million
   * outstanding {@code xxxAsync} calls do not each carry four counters.
   */
  private static final TaskProgress SINGLE_CALLS = new TaskProgress(1);

  final int total;
  final AtomicInteger succeeded = new AtomicInteger();
  final AtomicInteger failed = new AtomicInteger();
  final AtomicInteger running = new AtomicInteger();
  final AtomicInteger retried = new AtomicInteger();

  public TaskProgress(int total) {
    this.total = total;
  }

  /** The counts single calls share (see {@link #SINGLE_CALLS}). */
  public static TaskProgress singleCall() {
    return SINGLE_CALLS;
  }

  public int total() {
    return total;
  }

  public int succeeded() {
    return succeeded.get();
  }

  public int failed() {
    return failed.get();
  }

  public int running() {
    return running.get();
  }

  public int retried() {
    return retried.get();
  }
}
