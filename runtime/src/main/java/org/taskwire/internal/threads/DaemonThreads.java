package org.taskwire.internal.threads;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Taskwire's threads: all daemons, so that none keeps a user's JVM alive after {@code main}
 * returns; all named {@code taskwire-…}, so that a thread dump says whose they are; and all in
 * the thread group {@code taskwire}, not the caller's, so that the threads libraries start from
 * them (OkHttp's, Okio's, Reactor's) are not counted as the user's: {@code mvn exec:java} waits
 * for every thread of the group it ran {@code main} in.
 *
 * <p>The timers shared by a run's parts are made on first use and stopped by {@link #release}
 * when the run closes, with whatever else registered itself with {@link #onRelease}.
 */
public final class DaemonThreads {
  private static final Logger LOG = LoggerFactory.getLogger(DaemonThreads.class);
  private static final ThreadGroup GROUP = new ThreadGroup(root(), "taskwire");
  private static final Map<String, ScheduledExecutorService> TIMERS = new LinkedHashMap<>();
  private static final List<Runnable> ON_RELEASE = new ArrayList<>();
  private static volatile java.util.function.Consumer<String> onDeath;

  private DaemonThreads() {}

  private static ThreadGroup root() {
    ThreadGroup g = Thread.currentThread().getThreadGroup();
    while (g.getParent() != null) {
      g = g.getParent();
    }
    return g;
  }

  /** Threads named {@code prefix}, then {@code prefix-2}, {@code prefix-3}… when a pool has several. */
  public static ThreadFactory factory(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      int i = n.incrementAndGet();
      Thread t = new Thread(GROUP, r, i == 1 ? prefix : prefix + "-" + i);
      t.setDaemon(true);
      t.setUncaughtExceptionHandler(DaemonThreads::died);
      return t;
    };
  }

  /** Starts one daemon thread. */
  public static Thread start(String name, Runnable body) {
    Thread t = unstarted(name, body);
    t.start();
    return t;
  }

  /** Makes a thread in Taskwire's group without starting it. */
  public static Thread unstarted(String name, Runnable body) {
    Thread t = new Thread(GROUP, body, name);
    t.setDaemon(true);
    t.setUncaughtExceptionHandler(DaemonThreads::died);
    return t;
  }

  /**
   * Says what to do when one of Taskwire's threads dies of an error nothing caught (the open run
   * fails its calls with it); {@code null} when the run closes.
   */
  public static void onThreadDeath(java.util.function.Consumer<String> whatToDo) {
    onDeath = whatToDo;
  }

  private static void died(Thread thread, Throwable error) {
    LOG.error("Taskwire's thread {} died", thread.getName(), error);
    java.util.function.Consumer<String> whatToDo = onDeath;
    if (whatToDo != null) {
      whatToDo.accept("Taskwire's thread " + thread.getName() + " died of " + error
          + "; the run cannot go on without it");
    }
  }

  /**
   * Runs {@code body} on a thread of Taskwire's group and waits for it: for a library call that
   * may start threads, which take the group of the thread that started them (Reactor Netty's
   * event loops, Reactor's timers), so that they are Taskwire's too.
   */
  public static void runInGroup(String name, Runnable body) {
    inGroup(name, () -> {
      body.run();
      return null;
    });
  }

  /** {@link #runInGroup} for a body that makes something: a library's client. */
  public static <T> T inGroup(String name, java.util.function.Supplier<T> make) {
    if (Thread.currentThread().getThreadGroup() == GROUP) {
      return make.get();
    }
    java.util.concurrent.FutureTask<T> task = new java.util.concurrent.FutureTask<>(make::get);
    start(name, task);
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while making " + name, e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * The timer named {@code name}, one thread shared by everything that schedules on it until the
   * run closes; made anew when used after that.
   */
  public static synchronized ScheduledExecutorService timer(String name) {
    return TIMERS.computeIfAbsent(name, n -> {
      ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, factory(n));
      timer.setRemoveOnCancelPolicy(true);
      return timer;
    });
  }

  /** Runs {@code stop} at the next {@link #release}: for a shared resource made on first use. */
  public static synchronized void onRelease(Runnable stop) {
    ON_RELEASE.add(stop);
  }

  /** Stops the shared timers and resources: the run that used them has closed. */
  public static void release() {
    List<ScheduledExecutorService> timers;
    List<Runnable> stops;
    synchronized (DaemonThreads.class) {
      timers = new ArrayList<>(TIMERS.values());
      TIMERS.clear();
      stops = new ArrayList<>(ON_RELEASE);
      ON_RELEASE.clear();
    }
    timers.forEach(ScheduledExecutorService::shutdownNow);
    for (Runnable stop : stops) {
      try {
        stop.run();
      } catch (RuntimeException e) {
        LOG.debug("stopping a shared resource failed: {}", e.toString());
      }
    }
  }
}
