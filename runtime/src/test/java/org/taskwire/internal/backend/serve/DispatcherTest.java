package org.taskwire.internal.backend.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;
import org.taskwire.Definitions;
import org.taskwire.internal.backend.CallEvent;
import org.taskwire.internal.backend.Cause;
import org.taskwire.internal.backend.ResultSink;
import org.taskwire.internal.backend.Task;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.spi.JobOptions;

/** The one dispatcher of local workers and pilots, with a scripted worker: order, windows, deaths. */
class DispatcherTest {
  private final List<CallEvent> events = new CopyOnWriteArrayList<>();
  private final ResultSink sink = event -> {
    events.add(event);
    return false;
  };

  private static Task task(String group, long... callIds) {
    List<CallEnvelope> calls = new ArrayList<>();
    for (long id : callIds) {
      calls.add(new CallEnvelope("run", id, 1, Definitions.GREET.id(), "kryo", new byte[0]));
    }
    JobOptions options = JobOptions.builder().queue(group).walltime(Duration.ofMinutes(1)).build();
    return new Task(callIds[0], Definitions.GEOMETRY, Definitions.GREET, options, calls);
  }

  private static Task retry(long callId) {
    CallEnvelope call = new CallEnvelope("run", callId, 2, Definitions.GREET.id(), "kryo", new byte[0]);
    return new Task(callId, Definitions.GEOMETRY, Definitions.GREET, JobOptions.builder().queue("a").build(),
        List.of(call));
  }

  private Dispatcher dispatcher(int batch) {
    return new Dispatcher(sink, batch, t -> t.options().queue());
  }

  private static List<Long> ids(List<Dispatcher.Queued> window) {
    return window.stream().map(q -> q.call().callId()).toList();
  }

  /** A worker that answers from a script: a result per call, then perhaps death. */
  private static final class ScriptedWorker implements ServingWorker {
    final Deque<Object> answers = new ArrayDeque<>();
    final List<Long> sent = new ArrayList<>();
    /** What the dispatcher did with the worker, in order: "send N" and "receive". */
    final List<String> journal = new ArrayList<>();

    @Override
    public void send(List<CallEnvelope> calls) {
      journal.add("send " + calls.size());
      calls.forEach(c -> sent.add(c.callId()));
    }

    @Override
    public ResultEnvelope receive(LongConsumer onStarted) throws IOException {
      journal.add("receive");
      Object next = answers.poll();
      if (next instanceof ResultEnvelope r) {
        return r;
      }
      throw new IOException("the worker died");
    }

    @Override
    public long lastStarted() {
      return -1;
    }

    @Override
    public void kill() {}

    @Override
    public String endDescription() {
      return "exited with 137";
    }

    @Override
    public String logTail() {
      return "";
    }

    @Override
    public String log() {
      return "/logs/w.log";
    }

    @Override
    public String describe() {
      return "worker 1";
    }

    @Override
    public Map<String, String> handle() {
      return Map.of("worker", "1");
    }
  }

  /** A worker's seat at group {@code group}, taking every call of it. */
  private static Dispatcher.Seat seatAt(Dispatcher d, String group) {
    Dispatcher.Seat seat = new Dispatcher.Seat(group, q -> true);
    d.seat(seat);
    return seat;
  }

  private static ResultEnvelope ok(long callId) {
    return new ResultEnvelope("run", callId, 1, new byte[] {1}, null, 0, 1);
  }

  @Test
  void aRetryGoesFirstAndTheOthersByArrival() throws Exception {
    Dispatcher d = dispatcher(32);
    Dispatcher.Seat seat = seatAt(d, "a");
    d.submit(task("a", 1, 2));
    d.submit(task("a", 3));
    d.submit(retry(9));
    assertThat(ids(d.take(seat, 0))).containsExactly(9L);
    assertThat(ids(d.take(seat, 0))).containsExactly(1L);
    assertThat(ids(d.take(seat, 0))).containsExactly(2L);
    assertThat(ids(d.take(seat, 0))).containsExactly(3L);
    assertThat(d.take(seat, 0)).isEmpty();
  }

  @Test
  void aQuickWorkerTakesSeveralCallsButNoMoreThanItsShare() throws Exception {
    Dispatcher d = dispatcher(4);
    Dispatcher.Seat seat = new Dispatcher.Seat("a", q -> true);
    Dispatcher.Seat other = new Dispatcher.Seat("a", q -> true);
    d.seat(seat);
    d.seat(other);
    d.submit(task("a", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
    // Not yet timed: one call.
    List<Dispatcher.Queued> first = d.take(seat, 0);
    assertThat(first).hasSize(1);
    ScriptedWorker worker = new ScriptedWorker();
    worker.answers.add(ok(1));
    assertThat(d.feed(seat, worker, first)).isTrue();
    seat.reset();
    seat.answered(1_000_000);
    // Answers in 1 ms: a batch, capped at 4.
    assertThat(ids(d.take(seat, 0))).containsExactly(2L, 3L, 4L, 5L);
    // With 2 calls left and two workers, its share is 1 + 2 / 2.
    d.take(other, 0);
    d.take(other, 0);
    d.take(other, 0);
    d.take(other, 0);
    d.take(other, 0);
    assertThat(d.queued("a")).hasSize(2);
    assertThat(d.take(seat, 0)).hasSize(2);
  }

  @Test
  void aDeadWorkersRunningCallIsLostAndTheOthersGoBackWhereTheyWere() throws Exception {
    Dispatcher d = dispatcher(4);
    Dispatcher.Seat seat = seatAt(d, "a");
    d.submit(task("a", 1));
    ScriptedWorker worker = new ScriptedWorker();
    worker.answers.add(ok(1));
    d.feed(seat, worker, d.take(seat, 0));
    seat.reset();
    seat.answered(1_000_000);
    d.submit(task("a", 2, 3, 4, 5, 6));
    List<Dispatcher.Queued> window = d.take(seat, 0);
    assertThat(ids(window)).containsExactly(2L, 3L, 4L, 5L);
    worker.answers.add(ok(2));
    // dies while running call 3
    assertThat(d.feed(seat, worker, window)).isFalse();
    assertThat(events).filteredOn(e -> e instanceof CallEvent.Failed).extracting(CallEvent::callId).containsExactly(3L);
    assertThat(events).filteredOn(e -> e instanceof CallEvent.Failed)
        .extracting(e -> ((CallEvent.Failed) e).failure().cause()).containsExactly(Cause.Seen.WORKER_DIED);
    assertThat(events).filteredOn(e -> e instanceof CallEvent.Succeeded).extracting(CallEvent::callId)
        .containsExactly(1L, 2L);
    assertThat(d.queued("a")).extracting(q -> q.call().callId()).containsExactly(4L, 5L, 6L);
    assertThat(d.demand("a")).isEqualTo(3);
  }

  @Test
  void aQuickWorkerIsSentItsNextWindowBeforeItAnswersTheCurrentOne() throws Exception {
    Dispatcher d = dispatcher(4);
    Dispatcher.Seat seat = seatAt(d, "a");
    seat.answered(1_000_000);
    d.submit(task("a", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
    ScriptedWorker worker = new ScriptedWorker();
    for (long id = 1; id <= 10; id++) {
      worker.answers.add(ok(id));
    }
    assertThat(d.feed(seat, worker, d.take(seat, 0))).isTrue();
    assertThat(worker.journal.subList(0, 3)).containsExactly("send 4", "send 4", "receive");
    assertThat(worker.sent).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    assertThat(events).filteredOn(e -> e instanceof CallEvent.Succeeded).hasSize(10);
    assertThat(d.demand("a")).isZero();
  }

  @Test
  void aSlowWorkerIsSentOneCallAtATime() throws Exception {
    Dispatcher d = dispatcher(4);
    Dispatcher.Seat seat = seatAt(d, "a");
    seat.answered(50_000_000);
    d.submit(task("a", 1, 2, 3));
    ScriptedWorker worker = new ScriptedWorker();
    worker.answers.add(ok(1));
    assertThat(d.feed(seat, worker, d.take(seat, 0))).isTrue();
    assertThat(worker.journal).containsExactly("send 1", "receive");
    assertThat(d.queued("a")).hasSize(2);
  }

  @Test
  void groupsAreSeparateAndAWorkerTakesOnlyCallsThatFitIt() throws Exception {
    Dispatcher d = dispatcher(32);
    Dispatcher.Seat fussy = new Dispatcher.Seat("a", q -> q.call().callId() % 2 == 0);
    Dispatcher.Seat ofB = new Dispatcher.Seat("b", q -> true);
    d.seat(fussy);
    d.seat(ofB);
    d.submit(task("a", 1, 2));
    d.submit(task("b", 3));
    assertThat(ids(d.take(fussy, 0))).containsExactly(2L);
    assertThat(d.take(fussy, 0)).isEmpty();
    assertThat(ids(d.take(ofB, 0))).containsExactly(3L);
    d.fail("a", "no worker of a can come");
    assertThat(events).filteredOn(e -> e instanceof CallEvent.Failed).extracting(CallEvent::callId).containsExactly(1L);
    assertThat(((CallEvent.Failed) events.get(0)).failure().cause()).isEqualTo(Cause.Seen.REFUSED);
  }

  @Test
  void aCancelledCallIsNotTaken() throws Exception {
    Dispatcher d = dispatcher(32);
    Dispatcher.Seat seat = seatAt(d, "a");
    d.submit(task("a", 1, 2));
    d.cancel(1);
    assertThat(ids(d.take(seat, 0))).containsExactly(2L);
  }
}
