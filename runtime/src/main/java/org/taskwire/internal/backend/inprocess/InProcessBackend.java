package org.taskwire.internal.backend.inprocess;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import org.taskwire.internal.backend.Backend;
import org.taskwire.internal.backend.BackendContext;
import org.taskwire.internal.backend.CallEvent;
import org.taskwire.internal.backend.Task;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.call.CallExecutor;
import org.taskwire.internal.threads.DaemonThreads;

/**
 * Runs calls on a thread pool in this JVM, through the same decode, invoke, encode path as a
 * worker, so encoding problems show up here too. For debugging and unit tests.
 */
public final class InProcessBackend implements Backend {
  private final BackendContext context;
  private final CallExecutor executor;
  private final ExecutorService pool;
  private final Map<Long, Future<?>> queued = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong arrivals = new java.util.concurrent.atomic.AtomicLong();

  public InProcessBackend(BackendContext context) {
    this.context = context;
    this.executor = CallExecutor.of(context.workflows()).withData(context.dataStore(),
        context.config().get(org.taskwire.internal.config.ConfigKey.DATA_MAX_FILE_SIZE));
    int threads = context.config().get(InProcessBackendProvider.THREADS);
    // Ready calls wait in priority order, as on every backend that holds a queue.
    this.pool = new java.util.concurrent.ThreadPoolExecutor(threads, threads, 0, java.util.concurrent.TimeUnit.SECONDS,
        new java.util.concurrent.PriorityBlockingQueue<>(), DaemonThreads.factory("taskwire-inprocess"));
  }

  @Override
  public void submit(Task task) {
    for (CallEnvelope call : task.calls()) {
      // Registered before it can run, so a fast call never leaves a stale entry behind.
      FutureTask<Void> job = new Ranked(task.priority(), arrivals.incrementAndGet(), () -> run(call));
      queued.put(call.callId(), job);
      pool.execute(job);
    }
  }

  private void run(CallEnvelope call) {
    queued.remove(call.callId());
    context.sink().report(new CallEvent.Started(call.callId(), call.attempt(), Thread.currentThread().getName()));
    context.sink().report(CallEvent.of(executor.execute(call)));
  }

  /** A queued call, ordered by its task's priority, then by arrival. */
  private static final class Ranked extends FutureTask<Void> implements Comparable<Ranked> {
    private static final java.util.Comparator<Ranked> ORDER =
        java.util.Comparator.comparing((Ranked r) -> r.priority, org.taskwire.internal.backend.Priority.FIRST)
            .thenComparingLong(r -> r.arrival);
    private final org.taskwire.internal.backend.Priority priority;
    private final long arrival;

    Ranked(org.taskwire.internal.backend.Priority priority, long arrival, Runnable run) {
      super(run, null);
      this.priority = priority;
      this.arrival = arrival;
    }

    @Override
    public int compareTo(Ranked other) {
      return ORDER.compare(this, other);
    }
  }

  @Override
  public void cancel(long callId) {
    Future<?> f = queued.remove(callId);
    if (f != null) {
      f.cancel(false);
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
