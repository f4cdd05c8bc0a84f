package org.taskwire.internal.backend.local;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.ConfigurationException;
import org.taskwire.FailureKind;
import org.taskwire.internal.backend.Backend;
import org.taskwire.internal.backend.BackendContext;
import org.taskwire.internal.backend.CallEvent;
import org.taskwire.internal.backend.ResultSink;
import org.taskwire.internal.backend.ResultTransport;
import org.taskwire.internal.backend.Task;
import org.taskwire.internal.backend.serve.ArrivalCheck;
import org.taskwire.internal.backend.serve.CallFeed;
import org.taskwire.internal.backend.serve.CallFeed.Queued;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.backend.WrapperExit;
import org.taskwire.internal.threads.DaemonThreads;
import org.taskwire.internal.call.RemoteError;
import org.taskwire.internal.call.ResultEnvelope;

/**
 * The embedded default: a pool of long-lived worker JVMs on this machine (one per core unless
 * {@code taskwire.local.workers} says otherwise), each running the remote wrapper's main, so every
 * call is decoded, invoked and encoded exactly as on the grid.
 *
 * <p>Results travel as on the grid: each worker publishes its signed results over STOMP to an
 * embedded ActiveMQ broker (or the brokers {@code taskwire.broker.url} names), falling back to an
 * HTTP relay running in this JVM (or {@code taskwire.relay.url}), and to its pipe only when
 * neither takes them. When a worker reports a result delivered that has not arrived, the relay is
 * read, and then the copy the worker kept in its report is used: a receipt from a broker that
 * stops before dispatching loses nothing.
 *
 * <p>Short calls (under 5 ms each, as recently measured per worker) go to a worker up to
 * {@code taskwire.local.batch} at a time, never more than its share of the queue; the worker then
 * sends their results as one broker message with one receipt. Long calls go one at a time.
 *
 * <p>A worker that dies (exit, out of memory, a signal) fails the call it held within moments of
 * its death, with its exit status and the tail of its log; the run retries the call if attempts
 * remain, and a fresh worker takes the dead one's place. The other calls of its batch go back to
 * the queue without using an attempt. Workers that keep failing to start fail
 * every queued call instead of hanging. A call that outlives its walltime has its worker killed.
 */
public final class LocalBackend implements Backend {
  private static final Logger LOG = LoggerFactory.getLogger(LocalBackend.class);
  private static final int MAX_FAILED_STARTS = 3;
  /** Calls faster than this are sent to workers in batches. */
  private static final long SHORT_CALL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final BackendContext context;
  private final List<String> command;
  private final ResultTransport transport;
  private final Path logDirectory;
  /** Whether the log directory is this run's own, to be removed after a clean run. */
  private final boolean temporaryLogs;
  private final AtomicInteger failedResults = new AtomicInteger();
  private final ArrivalCheck arrivals;
  private final CallFeed feed;
  /** The log of the worker each sent call went to, until its result is in. */
  private final java.util.Map<Long, String> logOfCall = new ConcurrentHashMap<>();
  private final LinkedBlockingDeque<Queued> queue = new LinkedBlockingDeque<>();
  private final Set<Long> cancelled = ConcurrentHashMap.newKeySet();
  private final List<Slot> slots = new ArrayList<>();
  private final AtomicInteger workerCount = new AtomicInteger();
  private final int batch;
  private volatile String brokenBecause;
  private volatile boolean closed;


  public LocalBackend(BackendContext given) {
    ResultSink sink = given.sink();
    // Failures are counted where every result passes, so that close() knows whether the logs matter.
    this.context = given.withSink(
        new ResultSink() {
          @Override
          public void report(CallEvent event) {
            if (event instanceof CallEvent.Succeeded) {
              logOfCall.remove(event.callId());
            } else if (event instanceof CallEvent.Failed failed) {
              event = new CallEvent.Failed(failed.callId(), failed.attempt(), withWorkerLog(failed.callId(), failed.error()));
            } else if (event instanceof CallEvent.Lost lost) {
              event = new CallEvent.Lost(lost.callId(), lost.attempt(), withWorkerLog(lost.callId(), lost.error()));
            }
            sink.report(event);
          }

          @Override
          public boolean awaiting(long callId, int attempt) {
            return sink.awaiting(callId, attempt);
          }
        });
    BackendContext context = this.context;
    this.command = WorkerCommand.of(context);
    this.transport = ResultTransport.start(context);
    this.arrivals = new ArrivalCheck(context.sink(), transport);
    this.feed = new CallFeed(context.sink(), arrivals);
    try {
      String dir = context.config().get(LocalBackendProvider.LOG_DIR);
      this.temporaryLogs = dir.isEmpty();
      this.logDirectory = dir.isEmpty()
          ? Files.createTempDirectory("taskwire-" + context.runId().substring(0, 8) + "-")
          : Files.createDirectories(Path.of(dir));
    } catch (IOException e) {
      throw new ConfigurationException("cannot create the local workers' log directory: " + e.getMessage(), e);
    }
    this.batch = context.config().get(LocalBackendProvider.BATCH);
    int workers = context.config().get(LocalBackendProvider.WORKERS);
    for (int i = 1; i <= workers; i++) {
      Slot slot = new Slot(i);
      slots.add(slot);
      slot.thread.start();
    }
    LOG.debug("local backend: {} workers, logs in {}", workers, logDirectory);
  }

  @Override
  public void submit(Task task) {
    boolean retry = task.calls().size() == 1 && task.calls().get(0).attempt() > 1;
    for (CallEnvelope call : task.calls()) {
      if (retry) {
        queue.addFirst(new Queued(task, call));
      } else {
        queue.add(new Queued(task, call));
      }
    }
    if (brokenBecause != null) {
      drainWithFailure();
    }
  }

  @Override
  public void cancel(long callId) {
    if (queue.removeIf(q -> q.call().callId() == callId)) {
      return;
    }
    cancelled.add(callId);
  }

  @Override
  public void close() {
    closed = true;
    arrivals.close();
    for (Slot slot : slots) {
      slot.thread.interrupt();
      WorkerProcess worker = slot.worker;
      if (worker != null) {
        worker.stop();
      }
    }
    queue.clear();
    transport.close();
    if (!temporaryLogs) {
      return;
    }
    if (failedResults.get() == 0) {
      deleteQuietly(logDirectory);
    } else {
      LOG.info("{} call attempts failed; the workers' logs are kept in {}", failedResults.get(), logDirectory);
    }
  }

  private static void deleteQuietly(Path directory) {
    try (java.util.stream.Stream<Path> all = Files.walk(directory)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.debug("could not remove {}: {}", directory, e.getMessage());
    }
  }

  /**
   * Counts a failed attempt, so that close() knows whether the logs matter, and names the log of
   * its worker: a work that threw printed its trace there, as a dying worker printed its last words.
   */
  private RemoteError withWorkerLog(long callId, RemoteError error) {
    failedResults.incrementAndGet();
    String log = logOfCall.remove(callId);
    return error.logLocation() == null && log != null ? error.withLog(log) : error;
  }

  private void drainWithFailure() {
    Queued q;
    while ((q = queue.poll()) != null) {
      context.sink().report(new CallEvent.Failed(q.call().callId(), q.call().attempt(),
          RemoteError.of(FailureKind.BACKEND, brokenBecause)));
    }
  }

  /** One worker's place in the pool: a thread that feeds it one call at a time. */
  private final class Slot {
    final int index;
    final Thread thread;
    volatile WorkerProcess worker;
    /** Recent time per call in nanoseconds, -1 until the worker has answered once. */
    private long callNanos = -1;
    /** Failed starts in a row of this slot's worker; the slot takes no calls while it is broken. */
    private volatile int failedStarts;
    /** The wrapper said no start can mend what broke this slot: it is not tried again. */
    private volatile boolean hopeless;

    Slot(int index) {
      this.index = index;
      this.thread = DaemonThreads.unstarted("taskwire-local-" + index, this::loop);
    }

    private void loop() {
      while (!closed) {
        if (worker == null && failedStarts >= MAX_FAILED_STARTS) {
          // Broken: leave the queue to healthy slots, and retry on our own, less and less often.
          sleepQuietly(Math.min(30_000L, 1000L << Math.min(5, failedStarts - MAX_FAILED_STARTS)));
          if (!closed && !hopeless) {
            startWorker(null);
          }
          continue;
        }
        Queued next;
        try {
          next = queue.take();
        } catch (InterruptedException e) {
          return;
        }
        if (cancelled.remove(next.call().callId())) {
          continue;
        }
        if (worker == null && !startWorker(next)) {
          continue;
        }
        List<Queued> window = new ArrayList<>();
        window.add(next);
        fillWindow(window);
        run(window);
      }
    }

    /**
     * Short calls go to the worker several at a time, so that their results share one broker
     * round trip; long or not yet timed calls go one by one, and no worker takes more than its
     * share of the queue, so the others are not left idle.
     */
    private void fillWindow(List<Queued> window) {
      if (batch <= 1 || callNanos < 0 || callNanos > SHORT_CALL_NANOS) {
        return;
      }
      int limit = Math.min(batch, 1 + queue.size() / slots.size());
      while (window.size() < limit) {
        Queued q = queue.poll();
        if (q == null) {
          return;
        }
        if (!cancelled.remove(q.call().callId())) {
          window.add(q);
        }
      }
    }

    /**
     * Starts a worker. On failure the pending call goes back to the queue for another slot; after
     * {@value #MAX_FAILED_STARTS} failures in a row this slot is broken, and when every slot is,
     * the queued calls fail instead of hanging. A broken slot keeps retrying, and the first start
     * that succeeds anywhere mends the pool.
     *
     * @param pendingCall the call taken for the new worker, or null for a retry of a broken slot
     */
    private boolean startWorker(Queued pendingCall) {
      Path log = logDirectory.resolve("worker-" + index + "-" + workerCount.incrementAndGet() + ".log");
      WorkerProcess started = null;
      try {
        started = WorkerProcess.start(index, command, transport.workerEnvironment(),
            Files.createDirectories(logDirectory.resolve("worker-" + index)), log);
        started.awaitReady();
        worker = started;
        if (failedStarts >= MAX_FAILED_STARTS) {
          LOG.info("local worker {} started again after {} failed starts", index, failedStarts);
        }
        failedStarts = 0;
        brokenBecause = null;
        return true;
      } catch (IOException e) {
        String why = started == null
            ? "cannot start " + command.get(0) + ": " + e.getMessage()
            : "a local worker JVM failed to start: it " + started.endDescription() + " [log: " + log + "]"
                + tail(started);
        if (closed) {
          return false;
        }
        failedStarts++;
        if (started != null && started.exitCode().flatMap(WrapperExit::of).map(WrapperExit::hopeless).orElse(false)) {
          // The wrapper said no start can mend it (a sandbox or class path it cannot use): no more tries.
          failedStarts = Math.max(failedStarts, MAX_FAILED_STARTS);
          hopeless = true;
        }
        if (failedStarts <= MAX_FAILED_STARTS) {
          LOG.warn("worker {}: {}", index, why);
        } else {
          LOG.debug("worker {}: {}", index, why);
        }
        if (pendingCall != null) {
          queue.addFirst(pendingCall);
        }
        if (failedStarts < MAX_FAILED_STARTS) {
          sleepQuietly(200L * failedStarts);
        } else if (slots.stream().allMatch(s -> s.worker == null && s.failedStarts >= MAX_FAILED_STARTS)) {
          brokenBecause = why;
          drainWithFailure();
        }
        return false;
      }
    }

    /** Sends the window's calls and reads their answers; a dead worker is replaced on the next call. */
    private void run(List<Queued> window) {
      WorkerProcess current = worker;
      for (Queued q : window) {
        logOfCall.put(q.call().callId(), current.log());
      }
      boolean alive = feed.run(current, window, queue::addFirst,
          // A moving average of the time per call, which decides whether calls are sent in batches.
          took -> callNanos = callNanos < 0 ? took : (callNanos * 7 + took) / 8);
      if (!alive) {
        worker = null;
        callNanos = -1;
      }
    }

    private String tail(WorkerProcess p) {
      String tail = p.logTail();
      return tail.isEmpty() ? "" : "; last output:\n" + tail;
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Where the workers' logs are. */
  Path logDirectory() {
    return logDirectory;
  }

  @Override
  public String toString() {
    return "local backend (" + slots.size() + " workers, logs in " + logDirectory + File.separator + ")";
  }
}
