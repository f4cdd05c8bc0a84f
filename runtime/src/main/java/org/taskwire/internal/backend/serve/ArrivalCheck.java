package org.taskwire.internal.backend.serve;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.FailureKind;
import org.taskwire.internal.backend.CallEvent;
import org.taskwire.internal.backend.ResultSink;
import org.taskwire.internal.backend.ResultTransport;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.call.RemoteError;
import org.taskwire.internal.threads.DaemonThreads;

/**
 * Makes sure a result a worker reported sent arrives. A broker's receipt means it took the
 * message, not that the subscriber got it (it may stop in between, or the subscription may be
 * down), so: if the result has not arrived shortly, read the relay; if it still has not, use the
 * worker's own record of it. Results reported before a subscription came back up went to a topic
 * nobody heard, and are settled at once. One sweeper does this for all calls, with one relay read
 * per sweep, on a thread of its own so that it never delays a walltime kill.
 */
public final class ArrivalCheck implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ArrivalCheck.class);
  /** How long a result reported sent may take to arrive before the relay is read for it. */
  private static final Duration ARRIVAL_GRACE = Duration.ofSeconds(2);
  /** How long after that relay read before the worker's own record is used. */
  private static final Duration RELAY_GRACE = Duration.ofMillis(500);

  private final ResultSink sink;
  private final ResultTransport transport;
  private final Map<Long, Unconfirmed> unconfirmed = new ConcurrentHashMap<>();
  private final ScheduledFuture<?> sweeper;
  private final AtomicInteger recordsUsed = new AtomicInteger();
  private volatile long resubscribedAt;
  private volatile boolean closed;

  /** A result reported sent that has not been seen yet; {@code relayRead} once the relay was read for it. */
  private record Unconfirmed(CallEnvelope call, WireFormat.Done done, long reportedAt, long dueAt, boolean relayRead) {}

  public ArrivalCheck(ResultSink sink, ResultTransport transport) {
    this.sink = sink;
    this.transport = transport;
    transport.onResubscribed(() -> resubscribedAt = System.nanoTime());
    this.sweeper = DaemonThreads.timer("taskwire-arrival").scheduleWithFixedDelay(this::sweep, 100, 100, TimeUnit.MILLISECONDS);
  }

  /** The worker said it sent this call's result through a broker or the relay. */
  public void expect(CallEnvelope call, WireFormat.Done done) {
    long now = System.nanoTime();
    unconfirmed.put(call.callId(), new Unconfirmed(call, done, now, now + ARRIVAL_GRACE.toNanos(), false));
  }

  private void sweep() {
    try {
      sweepNow();
    } catch (RuntimeException e) {
      // A periodic task that throws is never run again: log and keep sweeping.
      LOG.error("checking the arrival of results failed", e);
    }
  }

  private void sweepNow() {
    if (closed || unconfirmed.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    long resubscribed = resubscribedAt;
    List<Unconfirmed> due = new ArrayList<>();
    for (Unconfirmed u : unconfirmed.values()) {
      if (!sink.awaiting(u.call.callId(), u.call.attempt())) {
        unconfirmed.remove(u.call.callId(), u);
      } else if (u.dueAt - now <= 0 || (resubscribed != 0 && u.reportedAt - resubscribed < 0)) {
        due.add(u);
      }
    }
    if (due.isEmpty()) {
      return;
    }
    if (due.stream().anyMatch(u -> !u.relayRead)) {
      transport.catchUp();
    }
    for (Unconfirmed u : due) {
      if (!u.relayRead) {
        // Give what the relay read a moment to reach the sink, then fall back.
        unconfirmed.replace(u.call.callId(), u,
            new Unconfirmed(u.call, u.done, u.reportedAt, now + RELAY_GRACE.toNanos(), true));
        continue;
      }
      unconfirmed.remove(u.call.callId(), u);
      long callId = u.call.callId();
      int attempt = u.call.attempt();
      if (!sink.awaiting(callId, attempt)) {
        continue;
      }
      if (u.done.record() != null) {
        LOG.debug("the result of call {} attempt {} went out through {} but never arrived; using the worker's record",
            callId, attempt, u.done.delivery());
        recordsUsed.incrementAndGet();
        sink.report(CallEvent.of(u.done.record()));
      } else {
        sink.report(new CallEvent.Lost(callId, attempt, RemoteError.of(FailureKind.RESULT_LOST,
            "the worker delivered the result of call " + callId + " attempt " + attempt + " through "
                + u.done.delivery() + ", but it never arrived, not even through the relay")));
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    sweeper.cancel(false);
    if (recordsUsed.get() > 0) {
      LOG.info("{} results that workers sent never arrived (a broker or subscription was down); their workers' "
          + "records were used", recordsUsed.get());
    }
  }
}
