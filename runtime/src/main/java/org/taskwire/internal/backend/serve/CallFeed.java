package org.taskwire.internal.backend.serve;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.FailureKind;
import org.taskwire.internal.backend.CallEvent;
import org.taskwire.internal.backend.ResultSink;
import org.taskwire.internal.backend.WorkerLogs;
import org.taskwire.internal.backend.Task;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.call.RemoteError;

/**
 * Feeds a window of calls to one serving worker and reports what becomes of each: started when
 * sent, then its result (or, for a result the worker sent through a broker or the relay, a check
 * that it arrives). Each call gets its own walltime from the moment it starts. When the worker
 * dies, the call it was running is lost (an attempt used, retried by the run if attempts remain)
 * and the window's other unanswered calls go back to the queue without using one; a worker that
 * ran out of memory fails its call instead, since another attempt would end the same way.
 */
public final class CallFeed {
  private static final Logger LOG = LoggerFactory.getLogger(CallFeed.class);

  /** A call waiting for a worker, with the task it belongs to (its options, its work). */
  public record Queued(Task task, CallEnvelope call) {}

  private final ResultSink sink;
  private final ArrivalCheck arrivals;

  public CallFeed(ResultSink sink, ArrivalCheck arrivals) {
    this.sink = sink;
    this.arrivals = arrivals;
  }

  /**
   * Sends the window and reads its answers, which come in the same order.
   *
   * @param requeue takes back, one at a time from the last, each call that must run again elsewhere
   * @param answered told of the time each call took, in nanoseconds from the previous answer
   * @return false when the worker died (its lost call reported, the others requeued)
   */
  public boolean run(ServingWorker worker, List<Queued> window, Consumer<Queued> requeue,
      java.util.function.LongConsumer answered) {
    int done = 0;
    Watchdog watchdog = new Watchdog(worker::kill);
    try {
      worker.send(window.stream().map(Queued::call).toList());
      String where = worker.describe();
      for (Queued q : window) {
        sink.report(new CallEvent.Submitted(q.call().callId(), q.call().attempt(), worker.handle()));
        sink.report(new CallEvent.Started(q.call().callId(), q.call().attempt(), where));
      }
      long last = System.nanoTime();
      for (Queued q : window) {
        // The call now running is the first unanswered one, unless the worker, holding results,
        // says it starts a later one: each call gets its own walltime from the moment it starts.
        watchdog.arm(q.call().callId(), q.task().options().walltime());
        WorkerFrames.Answer answer = worker.receive(started -> {
          for (Queued w : window) {
            if (w.call().callId() == started) {
              watchdog.arm(started, w.task().options().walltime());
            }
          }
        });
        watchdog.disarm();
        long now = System.nanoTime();
        answered.accept(now - last);
        last = now;
        done++;
        if (answer.result() != null) {
          sink.report(CallEvent.of(answer.result()));
        } else {
          arrivals.expect(q.call(), answer.done());
        }
      }
      return true;
    } catch (IOException e) {
      watchdog.disarm();
      lost(worker, window, done, watchdog.firedOn(), requeue);
      return false;
    }
  }

  private void lost(ServingWorker worker, List<Queued> window, int answered, long killedOn, Consumer<Queued> requeue) {
    // The worker runs its calls in order; while it holds results it says which call it starts.
    int lost = answered;
    for (int i = answered; i < window.size(); i++) {
      if (window.get(i).call().callId() == worker.lastStarted()) {
        lost = i;
      }
    }
    Queued q = window.get(lost);
    String how = killedOn == q.call().callId()
        ? "was killed after the call exceeded its walltime of " + q.task().options().walltime()
        : worker.endDescription();
    String tail = worker.logTail();
    String message = worker.describe() + " " + how + " while running call " + q.call().callId() + " of "
        + q.task().work().name() + (tail.isEmpty() ? "" : "; last output:\n" + tail);
    LOG.warn("{}", message);
    // The others either never started or ran but had their results die with the worker, held
    // to be sent together: back to the front of the queue, in order, without using an attempt.
    for (int i = window.size() - 1; i >= answered; i--) {
      if (i != lost) {
        requeue.accept(window.get(i));
      }
    }
    if (WorkerLogs.outOfMemory(tail).isPresent()) {
      // Another attempt with the same memory would end the same way: no retry.
      Integer memoryMb = q.task().options().memoryMb();
      sink.report(new CallEvent.Failed(q.call().callId(), q.call().attempt(), RemoteError.of(FailureKind.BACKEND,
          message + "\nIt ran out of memory" + (memoryMb == null ? "" : " (memoryMb " + memoryMb + ")")
              + ": raise the work's memoryMb").withLog(worker.log())));
      return;
    }
    sink.report(new CallEvent.Lost(q.call().callId(), q.call().attempt(),
        RemoteError.of(FailureKind.WORKER_LOST, message).withLog(worker.log())));
  }
}
