package org.taskwire.internal.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.taskwire.FailureKind;
import org.taskwire.internal.backend.Cause;
import org.taskwire.internal.backend.Failure;
import org.taskwire.internal.backend.WrapperExit;
import org.taskwire.internal.call.RemoteError;

/** The whole failure table: every cause a backend reports, the kind it is, and whether it is retried. */
class FailureTableTest {

  @Test
  void everyCauseABackendSeesHasOneKindAndOneRetryVerdict() {
    Map<Cause.Seen, FailureKind> expected = new EnumMap<>(Cause.Seen.class);
    expected.put(Cause.Seen.WORKER_DIED, FailureKind.WORKER_LOST);
    expected.put(Cause.Seen.NODE_LOST, FailureKind.WORKER_LOST);
    expected.put(Cause.Seen.WALLTIME, FailureKind.WORKER_LOST);
    expected.put(Cause.Seen.OUT_OF_MEMORY, FailureKind.BACKEND);
    expected.put(Cause.Seen.KILLED, FailureKind.BACKEND);
    expected.put(Cause.Seen.REFUSED, FailureKind.BACKEND);
    expected.put(Cause.Seen.RESULT_LOST, FailureKind.RESULT_LOST);
    expected.put(Cause.Seen.RESULT_TOO_LARGE, FailureKind.RESULT_TOO_LARGE);
    for (Cause.Seen cause : Cause.Seen.values()) {
      if (cause == Cause.Seen.REPORTED) {
        continue;
      }
      assertThat(expected).as("the table names " + cause).containsKey(cause);
      assertThat(FailureTable.kindOf(cause, null)).as(cause.name()).isEqualTo(expected.get(cause));
    }
    assertThat(FailureTable.kindOf(Cause.Seen.WORKER_DIED, null).retryable()).isTrue();
    assertThat(FailureTable.kindOf(Cause.Seen.OUT_OF_MEMORY, null).retryable()).as("the same memory ends the same way").isFalse();
    assertThat(FailureTable.kindOf(Cause.Seen.KILLED, null).retryable()).as("someone meant it").isFalse();
  }

  @Test
  void aReportedFailureKeepsTheWorkersKind() {
    for (FailureKind kind : FailureKind.values()) {
      assertThat(FailureTable.kindOf(Cause.Seen.REPORTED, kind)).isEqualTo(kind);
      assertThat(FailureTable.kindOf(Cause.Seen.REPORTED, kind).retryable()).isEqualTo(kind.retryable());
    }
  }

  @Test
  void aWrapperExitIsTheFailureItsCodeMeans() {
    for (WrapperExit exit : WrapperExit.values()) {
      FailureKind kind = FailureTable.kindOf(new Cause.WrapperExited(exit), null);
      assertThat(kind).as(exit.name()).isEqualTo(exit == WrapperExit.OK ? FailureKind.RESULT_LOST : exit.failure());
      assertThat(FailureTable.kindOf(new Cause.WrapperExited(exit), null).retryable()).as(exit.name())
          .isEqualTo(exit != WrapperExit.OK && !exit.hopeless() || exit == WrapperExit.OK);
    }
  }

  @Test
  void classifyingSetsTheKindAndKeepsTheRest() {
    RemoteError error = FailureTable.classify(Failure.of(Cause.Seen.OUT_OF_MEMORY, "worker 1 ran out").withLog("/l"));
    assertThat(error.kind()).isEqualTo(FailureKind.BACKEND);
    assertThat(error.message()).isEqualTo("worker 1 ran out");
    assertThat(error.logLocation()).isEqualTo("/l");
  }
}
