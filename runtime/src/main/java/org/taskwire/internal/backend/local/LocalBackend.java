package org.taskwire.internal.backend.local;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.ConfigurationException;
import org.taskwire.internal.backend.Backend;
import org.taskwire.internal.backend.BackendContext;
import org.taskwire.internal.backend.Task;
import org.taskwire.internal.backend.WrapperExit;
import org.taskwire.internal.backend.serve.Dispatcher;
import org.taskwire.internal.backend.serve.WireFormat;
import org.taskwire.internal.threads.DaemonThreads;

/**
 * The embedded default: a pool of long-lived worker JVMs on this machine (one per core unless
 * {@code taskwire.local.workers} says otherwise), each running the remote wrapper's main, so every
 * call is decoded, invoked and encoded exactly as on the grid.
 *
 * <p>Calls go down a worker's standard input and its results, signed with the run's key, come back
 * on its standard output: no broker, no relay, one crossing each way. The run's {@link Dispatcher}
 * decides which worker takes which calls, and how many at once ({@code taskwire.local.batch}).
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
  /** The one group of calls: every local worker can take every call. */
  private static final String ALL = "local";

  private final BackendContext context;
  private final List<String> command;
  private final Map<String, String> environment;
  private final Path logDirectory;
  /** Whether the log directory is this run's own, to be removed after a clean run. */
  private final boolean temporaryLogs;
  private final Dispatcher dispatcher;
  private final List<Slot> slots = new ArrayList<>();
  private final AtomicInteger workerCount = new AtomicInteger();
  private volatile String brokenBecause;
  private volatile boolean closed;

  public LocalBackend(BackendContext context) {
    this.context = context;
    this.command = WorkerCommand.of(context);
    this.environment = WireFormat.workerEnvironment(context);
    this.dispatcher = new Dispatcher(context.sink(), context.config().get(LocalBackendProvider.BATCH), task -> ALL);
    try {
      String dir = context.config().get(LocalBackendProvider.LOG_DIR);
      this.temporaryLogs = dir.isEmpty();
      this.logDirectory = dir.isEmpty()
          ? Files.createTempDirectory("taskwire-" + context.runId().substring(0, 8) + "-")
          : Files.createDirectories(Path.of(dir));
    } catch (IOException e) {
      throw new ConfigurationException("cannot create the local workers' log directory: " + e.getMessage(), e);
    }
    int workers = context.config().get(LocalBackendProvider.WORKERS);
    for (int i = 1; i <= workers; i++) {
      Slot slot = new Slot(i);
      slots.add(slot);
      dispatcher.seat(slot.seat);
      slot.thread.start();
    }
    LOG.debug("local backend: {} workers, logs in {}", workers, logDirectory);
  }

  @Override
  public void submit(Task task) {
    dispatcher.submit(task);
    String broken = brokenBecause;
    if (broken != null) {
      dispatcher.failAll(broken);
    }
  }

  @Override
  public void cancel(long callId) {
    dispatcher.cancel(callId);
  }

  @Override
  public void close() {
    closed = true;
    dispatcher.close();
    for (Slot slot : slots) {
      slot.thread.interrupt();
      WorkerProcess worker = slot.worker;
      if (worker != null) {
        worker.stop();
      }
    }
    if (!temporaryLogs) {
      return;
    }
    if (dispatcher.failedAttempts() == 0) {
      deleteQuietly(logDirectory);
    } else {
      LOG.info("{} call attempts failed; the workers' logs are kept in {}", dispatcher.failedAttempts(), logDirectory);
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

  /** One worker's place in the pool: a thread that starts it and feeds it what the dispatcher gives. */
  private final class Slot {
    final int index;
    final Thread thread;
    final Dispatcher.Seat seat = new Dispatcher.Seat(ALL, q -> true);
    volatile WorkerProcess worker;
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
            startWorker();
          }
          continue;
        }
        List<Dispatcher.Queued> window;
        try {
          window = dispatcher.take(seat, 1000);
        } catch (InterruptedException e) {
          return;
        }
        if (window.isEmpty()) {
          continue;
        }
        if (worker == null && !startWorker()) {
          dispatcher.putBack(seat, window);
          String broken = brokenBecause;
          if (broken != null) {
            dispatcher.failAll(broken);
          }
          continue;
        }
        if (!dispatcher.feed(seat, worker, window)) {
          worker = null;
        }
      }
    }

    /**
     * Starts a worker. After {@value #MAX_FAILED_STARTS} failures in a row this slot is broken,
     * and when every slot is, the queued calls fail instead of hanging. A broken slot keeps
     * retrying, and the first start that succeeds anywhere mends the pool.
     */
    private boolean startWorker() {
      Path log = logDirectory.resolve("worker-" + index + "-" + workerCount.incrementAndGet() + ".log");
      WorkerProcess started = null;
      try {
        started = WorkerProcess.start(index, command, environment,
            Files.createDirectories(logDirectory.resolve("worker-" + index)), log, context.identity().key());
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
        if (failedStarts < MAX_FAILED_STARTS) {
          sleepQuietly(200L * failedStarts);
        } else if (slots.stream().allMatch(s -> s.worker == null && s.failedStarts >= MAX_FAILED_STARTS)) {
          brokenBecause = why;
          dispatcher.failAll(why);
        }
        return false;
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
