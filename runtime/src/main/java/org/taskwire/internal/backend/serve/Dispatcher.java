package org.taskwire.internal.backend.serve;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.internal.backend.CallEvent;
import org.taskwire.internal.backend.Cause;
import org.taskwire.internal.backend.Failure;
import org.taskwire.internal.backend.Priority;
import org.taskwire.internal.backend.ResultSink;
import org.taskwire.internal.backend.Task;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.call.RemoteError;
import org.taskwire.internal.call.ResultEnvelope;

/**
 * The one dispatcher of calls to serving workers, whoever started them (a process launcher for
 * local workers, a batch system for pilots). Calls wait in one queue per group of workers that can
 * take them (local workers: one group; pilots: one per shape of resources), ordered by their place
 * ({@link #BY_PLACE}): a retry goes first, then by the task's {@link Priority} (the chain started
 * first, and within it the deepest call), then by arrival; a call a dead worker held goes back to
 * where it was.
 *
 * <p>Each worker has a {@link Seat}; its own thread takes a window from the queue ({@link #take})
 * and feeds it ({@link #feed}). Calls a worker answers in under {@link WireFormat#SHORT_CALL_NANOS}
 * go several at a time, up to the batch size and never more than the worker's share of its
 * group's queue, so that no worker idles while another holds the queue.
 *
 * <p>When a worker dies, the call it was running is lost (an attempt used, retried by the run if
 * attempts remain) and the window's other unanswered calls go back to the queue without using
 * one. A call that outlives its walltime has its worker killed.
 */
public final class Dispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  /** The most calls a worker is sent at once unless configured otherwise. */
  public static final int DEFAULT_BATCH = 32;

  /**
   * A call waiting for a worker, with the task it belongs to (its options, its work).
   *
   * @param order its place in the queue, lowest first
   */
  public record Queued(Task task, CallEnvelope call, long order) {}

  /** A worker's place at the queue: which calls it takes, and how fast it answers. */
  public static final class Seat {
    private final String group;
    private final Predicate<Queued> fits;
    /** Recent time per call in nanoseconds, -1 until the worker answered once. */
    private volatile long callNanos = -1;
    /** Calls taken for it and neither answered nor put back; changed under the dispatcher's lock. */
    private int holding;

    /**
     * @param group the queue it takes from
     * @param fits whether a call of that queue may go to it now (a pilot: whether its walltime fits)
     */
    public Seat(String group, Predicate<Queued> fits) {
      this.group = group;
      this.fits = fits;
    }

    public String group() {
      return group;
    }

    /** Forgets the time per call: a fresh worker takes the seat. */
    public void reset() {
      callNanos = -1;
    }

    /** Counts an answer that took this long: a moving average decides whether calls go in batches. */
    void answered(long nanos) {
      callNanos = callNanos < 0 ? nanos : (callNanos * 7 + nanos) / 8;
    }
  }

  /** Retries (a negative order) first, then by priority, then by arrival. */
  private static final Comparator<Queued> BY_PLACE = Comparator.comparing((Queued q) -> q.order() >= 0)
      .thenComparing(q -> q.task().priority(), Priority.FIRST).thenComparingLong(Queued::order);

  private final ResultSink sink;
  private final int batch;
  private final Function<Task, String> groupOf;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private final Map<String, TreeSet<Queued>> queues = new HashMap<>();
  private final Map<Long, Queued> queuedCalls = new HashMap<>();
  private final Map<String, List<Seat>> seats = new HashMap<>();
  private final AtomicInteger failedAttempts = new AtomicInteger();
  private long lastOrder;
  private long firstOrder;
  private boolean closed;

  /**
   * @param batch the most calls a worker is sent at once; 1 sends one call at a time
   * @param groupOf the group of workers a task's calls need
   */
  public Dispatcher(ResultSink sink, int batch, Function<Task, String> groupOf) {
    this.sink = sink;
    this.batch = batch;
    this.groupOf = groupOf;
  }

  /** Queues a task's calls; a retry goes before every call waiting. */
  public void submit(Task task) {
    String group = groupOf.apply(task);
    boolean retry = task.calls().size() == 1 && task.calls().get(0).attempt() > 1;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      TreeSet<Queued> queue = queues.computeIfAbsent(group, g -> new TreeSet<>(BY_PLACE));
      for (CallEnvelope call : task.calls()) {
        Queued q = new Queued(task, call, retry ? --firstOrder : ++lastOrder);
        queue.add(q);
        queuedCalls.put(call.callId(), q);
      }
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Removes a call from the queue; one a worker already holds runs to its end. */
  public void cancel(long callId) {
    lock.lock();
    try {
      Queued q = queuedCalls.remove(callId);
      if (q != null) {
        queues.get(groupOf.apply(q.task())).remove(q);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Seats a worker, which then takes calls with {@link #take}. */
  public void seat(Seat seat) {
    lock.lock();
    try {
      seats.computeIfAbsent(seat.group, g -> new ArrayList<>()).add(seat);
    } finally {
      lock.unlock();
    }
  }

  /** Unseats a worker that is gone. */
  public void unseat(Seat seat) {
    lock.lock();
    try {
      List<Seat> of = seats.get(seat.group);
      if (of != null) {
        of.remove(seat);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * The calls for a seat's worker: the first queued call of its group that fits it, and for a
   * worker that answers quickly more of them, never more than its share. Waits up to
   * {@code waitMillis} for one; empty if none came.
   */
  public List<Queued> take(Seat seat, long waitMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    lock.lock();
    try {
      List<Queued> window = takeNow(seat);
      while (window.isEmpty() && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        arrived.awaitNanos(left);
        window = takeNow(seat);
      }
      return window;
    } finally {
      lock.unlock();
    }
  }

  private boolean fill(Seat seat, List<Queued> window) {
    TreeSet<Queued> queue = queues.get(seat.group);
    if (queue == null || queue.isEmpty()) {
      return false;
    }
    int limit = 1;
    if (quick(seat)) {
      int sharing = Math.max(1, seats.getOrDefault(seat.group, List.of()).size());
      limit = Math.min(batch, 1 + queue.size() / sharing);
    }
    for (Iterator<Queued> it = queue.iterator(); it.hasNext() && window.size() < limit; ) {
      Queued q = it.next();
      if (seat.fits.test(q)) {
        it.remove();
        queuedCalls.remove(q.call().callId());
        window.add(q);
      }
    }
    return !window.isEmpty();
  }

  /** Puts a call a worker held back where it was in the queue, without using an attempt. */
  private void putBack(Seat seat, Queued q) {
    lock.lock();
    try {
      seat.holding--;
      if (closed) {
        return;
      }
      queues.computeIfAbsent(groupOf.apply(q.task()), g -> new TreeSet<>(BY_PLACE)).add(q);
      queuedCalls.put(q.call().callId(), q);
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Puts back calls taken for a worker that could not be started. */
  public void putBack(Seat seat, List<Queued> window) {
    for (Queued q : window) {
      putBack(seat, q);
    }
  }

  /**
   * Feeds a worker, starting with {@code window}, and reports what becomes of each call: submitted
   * and started when sent, then its result, which comes back on the worker's own channel. While the
   * worker answers quickly, the next window goes down its channel before the current one is
   * answered, so that it never waits for the client between windows. Each call gets its own
   * walltime from the moment it starts.
   *
   * @return false when the worker died (its running call reported lost, the others put back);
   *     true once every call sent is answered and no more wait for it
   */
  public boolean feed(Seat seat, ServingWorker worker, List<Queued> window) {
    java.util.ArrayDeque<Queued> unanswered = new java.util.ArrayDeque<>();
    Watchdog watchdog = new Watchdog(worker::kill);
    try {
      send(worker, window, unanswered);
      long last = System.nanoTime();
      while (!unanswered.isEmpty()) {
        if (unanswered.size() < 2 * batch && quick(seat)) {
          List<Queued> more = takeNow(seat);
          if (!more.isEmpty()) {
            send(worker, more, unanswered);
          }
        }
        // The call now running is the first unanswered one, unless the worker, holding results,
        // says it starts a later one: each call gets its own walltime from the moment it starts.
        Queued q = unanswered.peekFirst();
        watchdog.arm(q.call().callId(), q.task().options().walltime());
        ResultEnvelope result = worker.receive(started -> {
          for (Queued w : unanswered) {
            if (w.call().callId() == started) {
              watchdog.arm(started, w.task().options().walltime());
            }
          }
        });
        watchdog.disarm();
        unanswered.pollFirst();
        answeredOne(seat);
        long now = System.nanoTime();
        seat.answered(now - last);
        last = now;
        if (result.succeeded()) {
          sink.report(new CallEvent.Succeeded(result));
        } else {
          failedAttempts.incrementAndGet();
          // A work that threw printed its trace in the worker's log.
          RemoteError error = result.error().logLocation() == null ? result.error().withLog(worker.log()) : result.error();
          sink.report(new CallEvent.Failed(result.callId(), result.attempt(), Failure.reported(error)));
        }
      }
      return true;
    } catch (IOException e) {
      watchdog.disarm();
      lost(seat, worker, new ArrayList<>(unanswered), watchdog.firedOn());
      seat.reset();
      return false;
    } finally {
      lock.lock();
      try {
        seat.holding = 0;
      } finally {
        lock.unlock();
      }
    }
  }

  /** Sends calls down a worker's channel and reports them submitted and started. */
  private void send(ServingWorker worker, List<Queued> calls, java.util.Deque<Queued> unanswered) throws IOException {
    unanswered.addAll(calls);
    worker.send(calls.stream().map(Queued::call).toList());
    String where = worker.describe();
    Map<String, String> handle = worker.handle();
    for (Queued q : calls) {
      sink.report(new CallEvent.Submitted(q.call().callId(), q.call().attempt(), handle));
      sink.report(new CallEvent.Started(q.call().callId(), q.call().attempt(), where));
    }
  }

  /** Whether a seat's worker answers quickly enough to be sent calls ahead. */
  private boolean quick(Seat seat) {
    long nanos = seat.callNanos;
    return batch > 1 && nanos >= 0 && nanos <= WireFormat.SHORT_CALL_NANOS;
  }

  /** The calls for a seat's worker that are queued now, without waiting; {@link #take} without the wait. */
  private List<Queued> takeNow(Seat seat) {
    List<Queued> window = new ArrayList<>();
    lock.lock();
    try {
      if (!closed) {
        fill(seat, window);
        seat.holding += window.size();
      }
    } finally {
      lock.unlock();
    }
    return window;
  }

  private void answeredOne(Seat seat) {
    lock.lock();
    try {
      seat.holding--;
    } finally {
      lock.unlock();
    }
  }

  /** A worker died holding these calls, in the order sent: the one it ran is lost, the others go back. */
  private void lost(Seat seat, ServingWorker worker, List<Queued> window, long killedOn) {
    failedAttempts.incrementAndGet();
    // The worker runs its calls in order; while it holds results it says which call it starts.
    int lost = 0;
    for (int i = 0; i < window.size(); i++) {
      if (window.get(i).call().callId() == worker.lastStarted()) {
        lost = i;
      }
    }
    Queued q = window.get(lost);
    boolean pastWalltime = killedOn == q.call().callId();
    String how = pastWalltime
        ? "was killed after the call exceeded its walltime of " + q.task().options().walltime()
        : worker.endDescription();
    String tail = worker.logTail();
    String message = worker.describe() + " " + how + " while running call " + q.call().callId() + " of "
        + q.task().work().name() + (tail.isEmpty() ? "" : "; last output:\n" + tail);
    LOG.warn("{}", message);
    // The others either never started or ran but had their results die with the worker, held
    // to be sent together: back where they were, without using an attempt.
    for (int i = 0; i < window.size(); i++) {
      if (i != lost) {
        putBack(seat, window.get(i));
      }
    }
    Failure failure;
    if (org.taskwire.internal.backend.WorkerLogs.outOfMemory(tail).isPresent()) {
      Integer memoryMb = q.task().options().memoryMb();
      failure = Failure.of(Cause.Seen.OUT_OF_MEMORY, message + "\nIt ran out of memory"
          + (memoryMb == null ? "" : " (memoryMb " + memoryMb + ")") + ": raise the work's memoryMb");
    } else {
      failure = Failure.of(pastWalltime ? Cause.Seen.WALLTIME : Cause.Seen.WORKER_DIED, message);
    }
    sink.report(new CallEvent.Failed(q.call().callId(), q.call().attempt(), failure.withLog(worker.log())));
  }

  /** Fails the queued calls of a group that no worker can take, with the reason. */
  public void fail(String group, String why) {
    failQueues(g -> g.equals(group), why);
  }

  /** Fails every queued call (no worker can start). */
  public void failAll(String why) {
    failQueues(g -> true, why);
  }

  private void failQueues(Predicate<String> groups, String why) {
    List<Queued> failed = new ArrayList<>();
    lock.lock();
    try {
      queues.forEach((group, queue) -> {
        if (groups.test(group)) {
          failed.addAll(queue);
          queue.forEach(q -> queuedCalls.remove(q.call().callId()));
          queue.clear();
        }
      });
    } finally {
      lock.unlock();
    }
    if (!failed.isEmpty()) {
      LOG.warn("{}", why);
    }
    for (Queued q : failed) {
      sink.report(new CallEvent.Failed(q.call().callId(), q.call().attempt(), Cause.Seen.REFUSED, why));
    }
  }

  /** Calls of a group that need a worker: those queued and those its workers hold. */
  public int demand(String group) {
    lock.lock();
    try {
      int n = queues.containsKey(group) ? queues.get(group).size() : 0;
      for (Seat seat : seats.getOrDefault(group, List.of())) {
        n += seat.holding;
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** The calls of a group waiting now, in order; a copy. */
  public List<Queued> queued(String group) {
    lock.lock();
    try {
      TreeSet<Queued> queue = queues.get(group);
      return queue == null ? List.of() : List.copyOf(queue);
    } finally {
      lock.unlock();
    }
  }

  /** Attempts that failed or were lost so far: whether the workers' logs are worth keeping. */
  public int failedAttempts() {
    return failedAttempts.get();
  }

  /** Drops what waits and wakes every seat: the backend is closing. */
  public void close() {
    lock.lock();
    try {
      closed = true;
      queues.clear();
      queuedCalls.clear();
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
