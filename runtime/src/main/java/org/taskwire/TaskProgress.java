package org.taskwire;

import java.util.concurrent.atomic.AtomicInteger;

/** Live counts of one task's calls, for progress display. */
final class TaskProgress {
  final int total;
  final AtomicInteger succeeded = new AtomicInteger();
  final AtomicInteger failed = new AtomicInteger();
  final AtomicInteger running = new AtomicInteger();
  final AtomicInteger retried = new AtomicInteger();

  TaskProgress(int total) {
    this.total = total;
  }
}
