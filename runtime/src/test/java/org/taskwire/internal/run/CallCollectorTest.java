package org.taskwire.internal.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.taskwire.Definitions;
import org.taskwire.FailureKind;
import org.taskwire.WorkFailedException;
import org.taskwire.annotations.Codec;
import org.taskwire.internal.backend.Backend;
import org.taskwire.internal.backend.CallEvent;
import org.taskwire.internal.backend.Cause;
import org.taskwire.internal.backend.Failure;
import org.taskwire.internal.backend.Task;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.call.RemoteError;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.codec.Codecs;
import org.taskwire.internal.codec.PayloadCodec;
import org.taskwire.spi.JobOptions;

/**
 * The collector alone: each call completes once, whatever arrives twice, late or for someone else;
 * it alone decides which failures are retried.
 */
class CallCollectorTest {
  private final PayloadCodec codec = Codecs.of(Definitions.GEOMETRY, Codec.KRYO);
  private final List<Task> resubmitted = new ArrayList<>();
  private final CallCollector collector = new CallCollector("run-1");

  CallCollectorTest() {
    collector.attach(new Backend() {
      @Override public void submit(Task task) { resubmitted.add(task); }
      @Override public void cancel(long callId) {}
      @Override public void close() {}
    });
  }

  private PendingCall track(long id, int maxAttempts) {
    CallEnvelope envelope = new CallEnvelope("run-1", id, 1, Definitions.GREET.id(), "kryo", new byte[0]);
    Task task = new Task(1, Definitions.GEOMETRY, Definitions.GREET, JobOptions.BUILT_IN, List.of(envelope));
    PendingCall call = new PendingCall(task, envelope, codec, maxAttempts, new TaskProgress(1));
    collector.track(call);
    return call;
  }

  private ResultEnvelope success(long id, int attempt, String value) {
    return ResultEnvelope.success(new CallEnvelope("run-1", id, attempt, "", "kryo", null),
        codec.encodeResult(Definitions.GREET, value), 0, 0);
  }

  private ResultEnvelope failure(long id, int attempt) {
    return ResultEnvelope.failure(new CallEnvelope("run-1", id, attempt, "", "kryo", null),
        RemoteError.of(FailureKind.WORK_THREW, "boom"), 0, 0);
  }

  @Test
  void aDuplicateResultIsIgnored() {
    PendingCall call = track(1, 3);
    collector.report(CallEvent.of(success(1, 1, "first")));
    collector.report(CallEvent.of(success(1, 1, "second")));
    assertThat(call.future().join()).isEqualTo("first");
    assertThat(call.progress.succeeded).hasValue(1);
    assertThat(collector.outstanding()).isZero();
  }

  @Test
  void aStaleAttemptIsIgnoredAfterARetry() {
    PendingCall call = track(2, 3);
    collector.report(CallEvent.of(failure(2, 1)));
    assertThat(resubmitted).hasSize(1);
    assertThat(resubmitted.get(0).calls().get(0).attempt()).isEqualTo(2);
    assertThat(collector.awaiting(2, 1)).isFalse();
    assertThat(collector.awaiting(2, 2)).isTrue();
    collector.report(CallEvent.of(success(2, 1, "late first attempt")));
    assertThat(call.future()).isNotDone();
    collector.report(CallEvent.of(success(2, 2, "second attempt")));
    assertThat(call.future().join()).isEqualTo("second attempt");
  }

  @Test
  void resultsForOtherRunsOrUnknownCallsChangeNothing() {
    PendingCall call = track(3, 1);
    collector.report(CallEvent.of(new ResultEnvelope("run-2", 3, 1, codec.encodeResult(Definitions.GREET, "x"), null, 0, 0)));
    collector.report(CallEvent.of(success(99, 1, "nobody's")));
    assertThat(call.future()).isNotDone();
    assertThat(collector.outstanding()).isEqualTo(1);
  }

  @Test
  void aResultOfTheWrongTypeFailsTheCall() {
    PendingCall call = track(4, 1);
    collector.report(CallEvent.of(ResultEnvelope.success(new CallEnvelope("run-1", 4, 1, "", "kryo", null),
        codec.encodeResult(Definitions.GREET, 42), 0, 0)));
    assertThat(call.future()).isCompletedExceptionally();
    assertThat(call.future().handle((v, e) -> e).join())
        .isInstanceOfSatisfying(WorkFailedException.class, e -> {
          assertThat(e.kind()).isEqualTo(FailureKind.RESULT_NOT_DECODABLE);
          assertThat(e.getMessage()).contains("declares java.lang.String but the worker sent a java.lang.Integer");
        });
  }

  @Test
  void aFailureNoAttemptCanMendEndsTheCallAtOnce() {
    PendingCall call = track(5, 3);
    collector.report(new CallEvent.Failed(5, 1, Failure.reported(RemoteError.of(FailureKind.BAD_PAYLOAD, "unreadable"))));
    assertThat(resubmitted).isEmpty();
    assertThat(collector.awaiting(5, 2)).isFalse();
    assertThat(call.future().handle((v, e) -> e).join())
        .isInstanceOfSatisfying(WorkFailedException.class, e -> {
          assertThat(e.kind()).isEqualTo(FailureKind.BAD_PAYLOAD);
          assertThat(e.attempt()).isEqualTo(1);
        });
  }

  @Test
  void aLostAttemptIsRetriedUntilTheAttemptsRunOut() {
    PendingCall call = track(6, 2);
    collector.report(new CallEvent.Started(6, 1, "worker 1"));
    assertThat(call.progress.running).hasValue(1);
    collector.report(new CallEvent.Failed(6, 1, Cause.Seen.WORKER_DIED, "worker 1 died"));
    assertThat(call.progress.running).hasValue(0);
    assertThat(resubmitted).extracting(t -> t.calls().get(0).attempt()).containsExactly(2);
    collector.report(new CallEvent.Started(6, 2, "worker 2"));
    collector.report(new CallEvent.Failed(6, 2, Cause.Seen.WORKER_DIED, "worker 2 died"));
    assertThat(resubmitted).hasSize(1);
    assertThat(call.progress.running).hasValue(0);
    assertThat(call.progress.failed).hasValue(1);
    assertThat(call.future().handle((v, e) -> e).join())
        .isInstanceOfSatisfying(WorkFailedException.class, e -> {
          assertThat(e.kind()).isEqualTo(FailureKind.WORKER_LOST);
          assertThat(e.attempt()).isEqualTo(2);
          assertThat(e.getMessage()).contains("worker 2 died");
        });
  }

  @Test
  void aLaterAttemptTheBackendStartedByItselfIsFollowed() {
    // PanDA starts a failed job's retry before its watcher has told the collector of the failure.
    PendingCall call = track(7, 3);
    collector.report(new CallEvent.Started(7, 1, "PanDA job 10"));
    collector.report(new CallEvent.Started(7, 2, "PanDA job 11"));
    assertThat(call.progress.running).hasValue(1);
    assertThat(call.progress.retried).hasValue(1);
    collector.report(new CallEvent.Failed(7, 1, Failure.reported(RemoteError.of(FailureKind.WORK_THREW, "first job"))));
    assertThat(resubmitted).isEmpty();
    assertThat(call.future()).isNotDone();
    collector.report(CallEvent.of(success(7, 2, "from the retry job")));
    assertThat(call.future().join()).isEqualTo("from the retry job");
    assertThat(call.progress.running).hasValue(0);
  }

  @Test
  void closingTheRunFailsRunningCallsAndTakesThemOffTheRunningCount() {
    PendingCall call = track(8, 3);
    collector.report(new CallEvent.Started(8, 1, "worker 1"));
    collector.failAll(org.taskwire.FailureKind.RUN_CLOSED, "closing");
    assertThat(call.progress.running).hasValue(0);
    assertThat(call.future().handle((v, e) -> e).join())
        .isInstanceOfSatisfying(WorkFailedException.class, e -> assertThat(e.kind()).isEqualTo(FailureKind.RUN_CLOSED));
  }
}
