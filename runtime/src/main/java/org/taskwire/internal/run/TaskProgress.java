package org.taskwire.internal.run;

import java.util.concurrent.atomic.AtomicInteger;

/** Live counts of one task's calls, for progress display. */
public final class TaskProgress {
  final int total;
  final AtomicInteger succeeded = new AtomicInteger();
  final AtomicInteger failed = new AtomicInteger();
  final AtomicInteger running = new AtomicInteger();
  final AtomicInteger retried = new AtomicInteger();

  public TaskProgress(int total) {
    this.total = total;
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
