package org.taskwire.internal.threads;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Taskwire's threads: all daemons, so that none keeps a user's JVM alive after {@code main}
 * returns, and all named {@code taskwire-…}, so that a thread dump says whose they are.
 */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** Threads named {@code prefix}, then {@code prefix-2}, {@code prefix-3}… when a pool has several. */
  public static ThreadFactory factory(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      int i = n.incrementAndGet();
      Thread t = new Thread(r, i == 1 ? prefix : prefix + "-" + i);
      t.setDaemon(true);
      return t;
    };
  }

  /** Starts one daemon thread. */
  public static Thread start(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
