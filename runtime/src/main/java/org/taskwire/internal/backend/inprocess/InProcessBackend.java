package org.taskwire.internal.backend.inprocess;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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

  public InProcessBackend(BackendContext context) {
    this.context = context;
    this.executor = CallExecutor.of(context.workflows()).withData(context.dataStore(),
        context.config().get(org.taskwire.internal.config.ConfigKey.DATA_MAX_FILE_SIZE));
    int threads = context.config().get(InProcessBackendProvider.THREADS);
    this.pool = Executors.newFixedThreadPool(threads, DaemonThreads.factory("taskwire-inprocess"));
  }

  @Override
  public void submit(Task task) {
    for (CallEnvelope call : task.calls()) {
      // Registered before it can run, so a fast call never leaves a stale entry behind.
      FutureTask<Void> job = new FutureTask<>(() -> run(call), null);
      queued.put(call.callId(), job);
      pool.execute(job);
    }
  }

  private void run(CallEnvelope call) {
    queued.remove(call.callId());
    context.sink().report(new CallEvent.Started(call.callId(), call.attempt(), Thread.currentThread().getName()));
    context.sink().report(CallEvent.of(executor.execute(call)));
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
