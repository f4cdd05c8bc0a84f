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
import org.taskwire.internal.backend.Task;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.call.RemoteError;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.codec.Codecs;
import org.taskwire.internal.codec.PayloadCodec;
import org.taskwire.spi.JobOptions;

/** The collector alone: each call completes once, whatever arrives twice, late or for someone else. */
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
    collector.completed(success(1, 1, "first"));
    collector.completed(success(1, 1, "second"));
    assertThat(call.future().join()).isEqualTo("first");
    assertThat(call.progress.succeeded).hasValue(1);
    assertThat(collector.outstanding()).isZero();
  }

  @Test
  void aStaleAttemptIsIgnoredAfterARetry() {
    PendingCall call = track(2, 3);
    collector.completed(failure(2, 1));
    assertThat(resubmitted).hasSize(1);
    assertThat(resubmitted.get(0).calls().get(0).attempt()).isEqualTo(2);
    assertThat(collector.awaiting(2, 1)).isFalse();
    assertThat(collector.awaiting(2, 2)).isTrue();
    collector.completed(success(2, 1, "late first attempt"));
    assertThat(call.future()).isNotDone();
    collector.completed(success(2, 2, "second attempt"));
    assertThat(call.future().join()).isEqualTo("second attempt");
  }

  @Test
  void resultsForOtherRunsOrUnknownCallsChangeNothing() {
    PendingCall call = track(3, 1);
    collector.completed(new ResultEnvelope("run-2", 3, 1, codec.encodeResult(Definitions.GREET, "x"), null, 0, 0));
    collector.completed(success(99, 1, "nobody's"));
    assertThat(call.future()).isNotDone();
    assertThat(collector.outstanding()).isEqualTo(1);
  }

  @Test
  void aResultOfTheWrongTypeFailsTheCall() {
    PendingCall call = track(4, 1);
    collector.completed(ResultEnvelope.success(new CallEnvelope("run-1", 4, 1, "", "kryo", null),
        codec.encodeResult(Definitions.GREET, 42), 0, 0));
    assertThat(call.future()).isCompletedExceptionally();
    assertThat(call.future().handle((v, e) -> e).join())
        .isInstanceOfSatisfying(WorkFailedException.class, e -> {
          assertThat(e.kind()).isEqualTo(FailureKind.RESULT_NOT_DECODABLE);
          assertThat(e.getMessage()).contains("declares java.lang.String but the worker sent a java.lang.Integer");
        });
  }
}
