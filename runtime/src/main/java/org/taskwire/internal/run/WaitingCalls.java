package org.taskwire.internal.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.FailureKind;
import org.taskwire.WorkFailedException;
import org.taskwire.internal.journal.JournalRecord;
import org.taskwire.internal.journal.RunJournal;
import org.taskwire.internal.threads.DaemonThreads;

/**
 * The calls that wait for their inputs (handles passed as arguments). Each is released the moment
 * its last input succeeds: it is queued for one dispatcher thread, which hands the calls that became
 * ready together to the run grouped by fan-out, so a step whose inputs finish at once is still one
 * backend task. A failed input fails the call without running it
 * ({@link FailureKind#DEPENDENCY_FAILED}); a cancelled input cancels it.
 *
 * <p>No cycle can be built: a call's inputs are calls made before it.
 */
public final class WaitingCalls implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WaitingCalls.class);

  /**
   * One input of a waiting call.
   *
   * @param describe what it is, for messages, e.g. {@code "xyz (simreco call 12)"}
   * @param value completes with the input's value; a {@link WorkFailedException} or any other
   *     failure fails the call, a {@link CancellationException} cancels it
   * @param callIds the calls it comes from, for the journal, read once it succeeded
   */
  public record Input(Supplier<String> describe, CompletableFuture<?> value, Supplier<List<Long>> callIds) {}

  /** A call waiting for its inputs; {@code group} is its fan-out, the unit of dispatch. */
  public static final class Call {
    final Object group;
    final String workName;
    final int maxAttempts;
    final List<Input> inputs;
    final CompletableFuture<Object> future;
    final TaskProgress progress;
    final Runnable cancel;
    final Object attachment;
    final AtomicInteger remaining;
    /** Set once the call stops counting as unready in its fan-out: ready, or ended without running. */
    final java.util.concurrent.atomic.AtomicBoolean settled = new java.util.concurrent.atomic.AtomicBoolean();
    volatile Object[] values;

    /**
     * @param future the call's future, handed to the user already
     * @param cancel cancels the call as the user would, so that what waits on it follows
     * @param attachment what the run needs to submit the call once it is ready
     */
    public Call(Object group, String workName, int maxAttempts, List<Input> inputs, CompletableFuture<Object> future,
        TaskProgress progress, Runnable cancel, Object attachment) {
      this.attachment = attachment;
      this.group = group;
      this.workName = workName;
      this.maxAttempts = maxAttempts;
      this.inputs = List.copyOf(inputs);
      this.future = future;
      this.progress = progress;
      this.cancel = cancel;
      this.remaining = new AtomicInteger(inputs.size());
    }

    /** The inputs' values, in parameter order, once all succeeded. */
    public Object[] values() {
      return values;
    }

    /** The calls the inputs came from. */
    public List<Long> dependsOn() {
      List<Long> ids = new ArrayList<>();
      for (Input input : inputs) {
        ids.addAll(input.callIds().get());
      }
      return ids;
    }

    public CompletableFuture<Object> future() {
      return future;
    }

    public Object attachment() {
      return attachment;
    }

    public TaskProgress progress() {
      return progress;
    }
  }

  /** How often at most the journal hears how many calls wait: a step of 10,000 calls is not 10,000 lines. */
  private static final long WAITING_RECORD_NANOS = 250_000_000L;

  private final Consumer<List<Call>> dispatch;
  private final RunJournal journal;
  private Map<String, Integer> lastRecorded = Map.of();
  private long lastRecordedAt;
  private final Set<Call> waiting = ConcurrentHashMap.newKeySet();
  private final LinkedBlockingQueue<Call> ready = new LinkedBlockingQueue<>();
  /** By fan-out, its calls that still wait for inputs: a fan-out with none left goes out without waiting for the step window. */
  private final Map<Object, AtomicInteger> unready = new ConcurrentHashMap<>();
  /** A work's step window, in nanoseconds. */
  private final java.util.function.ToLongFunction<String> windowNanos;
  private final Thread dispatcher;
  private volatile boolean closed;

  /** @param dispatch submits calls that became ready together, all of one work (of one fan-out without a step window) */
  public WaitingCalls(String runId, Consumer<List<Call>> dispatch) {
    this(runId, RunJournal.OFF, dispatch);
  }

  /**
   * @param journal hears how many calls wait, by work, and of each call that never ran because an
   *     input failed
   */
  public WaitingCalls(String runId, RunJournal journal, Consumer<List<Call>> dispatch) {
    this(runId, journal, work -> java.time.Duration.ZERO, dispatch);
  }

  /**
   * @param stepWindow how long calls of one work that become ready apart are held to be submitted
   *     together ({@link org.taskwire.internal.backend.Backend#stepWindow}); they go at once when
   *     none of their fan-outs has a call still waiting for inputs
   */
  public WaitingCalls(String runId, RunJournal journal, java.util.function.Function<String, java.time.Duration> stepWindow,
      Consumer<List<Call>> dispatch) {
    Map<String, Long> known = new ConcurrentHashMap<>();
    this.windowNanos = work -> known.computeIfAbsent(work, w -> stepWindow.apply(w).toNanos());
    this.dispatch = dispatch;
    this.journal = journal;
    this.dispatcher = DaemonThreads.start("taskwire-ready-" + runId.substring(0, Math.min(8, runId.length())),
        this::dispatchLoop);
  }

  /** Waits for the call's inputs; releases, fails or cancels it as they end. */
  public void add(Call call) {
    if (closed) {
      throw new IllegalStateException("this WorkflowRun is closed");
    }
    waiting.add(call);
    unready.computeIfAbsent(call.group, g -> new AtomicInteger()).incrementAndGet();
    call.future.whenComplete((v, t) -> {
      waiting.remove(call);
      settle(call);
    });
    Object[] values = new Object[call.inputs.size()];
    for (int i = 0; i < call.inputs.size(); i++) {
      int index = i;
      Input input = call.inputs.get(i);
      input.value().whenComplete((value, error) -> {
        if (error != null) {
          inputEnded(call, input, error);
          return;
        }
        values[index] = value;
        if (call.remaining.decrementAndGet() == 0 && !call.future.isDone()) {
          call.values = values;
          settle(call);
          ready.add(call);
        }
      });
    }
  }

  private void inputEnded(Call call, Input input, Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (call.future.isDone()) {
      return;
    }
    if (cause instanceof CancellationException) {
      call.cancel.run();
      return;
    }
    String first = cause.getMessage() == null ? cause.toString() : cause.getMessage().lines().findFirst().orElse("");
    WorkFailedException failure = new WorkFailedException(call.workName, FailureKind.DEPENDENCY_FAILED,
        null, "its input " + input.describe().get() + " failed: " + first, "", 0, call.maxAttempts, null);
    failure.initCause(inputFailure(cause));
    if (call.future.completeExceptionally(failure)) {
      call.progress.failed.incrementAndGet();
      journal.append(new JournalRecord.CallNotRun(System.currentTimeMillis(), call.workName,
          FailureKind.DEPENDENCY_FAILED.name(), failure.remoteMessage()));
    }
  }

  /**
   * The input's own {@link WorkFailedException}, the cause the README promises for every kind of
   * input: an all-to-one input wraps the first failure of its fan-out in a shortfall that says how
   * many failed, which the message keeps.
   */
  private static Throwable inputFailure(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof WorkFailedException) {
        return t;
      }
    }
    return cause;
  }

  /**
   * How many calls wait for their inputs, or to be submitted now that they have them. A call that
   * ended is not counted even before its own clean-up ran: whoever awaited it may look first.
   */
  public int size() {
    return (int) waiting.stream().filter(c -> !c.future.isDone()).count();
  }

  /** Takes a call off its fan-out's count of calls waiting for inputs, once. */
  private void settle(Call call) {
    if (call.settled.compareAndSet(false, true)) {
      unready.computeIfPresent(call.group, (g, n) -> n.decrementAndGet() == 0 ? null : n);
    }
  }

  /** Ready calls of one work held for the step window, and when the window ends. */
  private static final class Held {
    final long deadline;
    final List<Call> calls = new ArrayList<>();

    Held(long deadline) {
      this.deadline = deadline;
    }
  }

  private void dispatchLoop() {
    // The dispatcher's own: ready calls held for the step window, by work.
    Map<String, Held> held = new LinkedHashMap<>();
    try {
      while (!closed) {
        long waitMillis = 100;
        for (Held h : held.values()) {
          waitMillis = Math.max(1, Math.min(waitMillis, (h.deadline - System.nanoTime()) / 1_000_000));
        }
        Call first = ready.poll(waitMillis, TimeUnit.MILLISECONDS);
        recordWaiting(false);
        List<Call> batch = new ArrayList<>();
        if (first != null) {
          batch.add(first);
          ready.drainTo(batch);
        }
        Map<Object, List<Call>> byGroup = new LinkedHashMap<>();
        for (Call call : batch) {
          if (call.future.isDone()) {
            waiting.remove(call);
          } else if (windowNanos.applyAsLong(call.workName) > 0) {
            held.computeIfAbsent(call.workName, w -> new Held(System.nanoTime() + windowNanos.applyAsLong(w)))
                .calls.add(call);
          } else {
            byGroup.computeIfAbsent(call.group, g -> new ArrayList<>()).add(call);
          }
        }
        for (var it = held.entrySet().iterator(); it.hasNext(); ) {
          Held h = it.next().getValue();
          h.calls.removeIf(c -> c.future.isDone());
          // Their fan-outs complete, no call of theirs can join them: no reason to wait longer.
          if (System.nanoTime() >= h.deadline || h.calls.stream().noneMatch(c -> unready.containsKey(c.group))) {
            it.remove();
            if (!h.calls.isEmpty()) {
              byGroup.put(h, h.calls);
            }
          }
        }
        for (List<Call> group : byGroup.values()) {
          // From here the run tracks them as any submitted call.
          group.forEach(waiting::remove);
          try {
            dispatch.accept(group);
          } catch (RuntimeException e) {
            LOG.warn("could not submit {} calls of {} whose inputs are ready", group.size(), group.get(0).workName, e);
            for (Call call : group) {
              fail(call, FailureKind.BACKEND, "could not submit the call once its inputs were ready: " + e);
            }
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Tells the journal how many calls wait, by work, when that changed (at most every 250 ms unless {@code now}). */
  private void recordWaiting(boolean now) {
    if (!journal.isOn() || (!now && System.nanoTime() - lastRecordedAt < WAITING_RECORD_NANOS)) {
      return;
    }
    Map<String, Integer> byWork = new java.util.TreeMap<>();
    for (Call call : waiting) {
      if (!call.future.isDone()) {
        byWork.merge(call.workName, 1, Integer::sum);
      }
    }
    if (!byWork.equals(lastRecorded)) {
      journal.append(new JournalRecord.CallsWaiting(System.currentTimeMillis(), byWork));
      lastRecorded = byWork;
    }
    lastRecordedAt = System.nanoTime();
  }

  private static void fail(Call call, FailureKind kind, String message) {
    failWithoutRunning(call, new WorkFailedException(call.workName, kind, null, message, "", 0, call.maxAttempts, null));
  }

  /** Fails a call that will not run, counting it in its fan-out's progress. */
  public static void failWithoutRunning(Call call, WorkFailedException failure) {
    if (call.future.completeExceptionally(failure)) {
      call.progress.failed.incrementAndGet();
    }
  }

  /** Fails every call still waiting or not yet dispatched with {@code RUN_CLOSED}. */
  @Override
  public void close() {
    closed = true;
    try {
      // A batch being submitted finishes; the collector then fails it with the run's other calls.
      dispatcher.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Call call : List.copyOf(waiting)) {
      fail(call, FailureKind.RUN_CLOSED, "the WorkflowRun was closed while the call waited for its inputs");
    }
    recordWaiting(true);
  }
}
