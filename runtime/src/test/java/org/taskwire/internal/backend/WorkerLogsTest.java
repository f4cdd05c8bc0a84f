package org.taskwire.internal.backend;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.taskwire.FailureKind;

class WorkerLogsTest {
  @Test
  void aCallsLinesAreItsOwnInALogOfManyCalls() {
    String log = "boot\n"
        + WorkerLogs.callStarts(1, 1, "w#a") + "\none\n" + WorkerLogs.callEnds(1, 1) + "\n"
        + WorkerLogs.callStarts(2, 1, "w#a") + "\ntwo\n" + WorkerLogs.callEnds(2, 1) + "\n"
        + WorkerLogs.callStarts(1, 2, "w#a") + "\none again\n" + WorkerLogs.callEnds(1, 2) + "\n"
        + WorkerLogs.callStarts(3, 1, "w#a") + "\nthree, then the worker died\n";
    assertThat(WorkerLogs.linesOf(log, 2, 0)).hasValue(WorkerLogs.callStarts(2, 1, "w#a") + "\ntwo\n"
        + WorkerLogs.callEnds(2, 1) + "\n");
    assertThat(WorkerLogs.linesOf(log, 1, 0)).as("the last attempt").hasValueSatisfying(
        l -> assertThat(l).contains("one again").doesNotContain("one\n", "two"));
    assertThat(WorkerLogs.linesOf(log, 1, 1)).hasValueSatisfying(
        l -> assertThat(l).contains("\none\n").doesNotContain("again"));
    assertThat(WorkerLogs.linesOf(log, 3, 0)).hasValueSatisfying(l -> assertThat(l).endsWith("worker died\n"));
    assertThat(WorkerLogs.linesOf(log, 12, 0)).as("call 12 is not call 1").isEmpty();
    assertThat(WorkerLogs.linesOf("a grid job's log\n", 1, 1)).isEmpty();
  }

  @Test
  void aStartNoOtherStartMendsIsToldFromTheWrappersLine() {
    String hopeless = WorkerLogs.cannotStart(WrapperExit.CLASSPATH, "class path entry /x.jar does not exist");
    assertThat(WorkerLogs.hopelessStart("JVM noise\n" + hopeless + "\n")).hasValue(hopeless);
    assertThat(WorkerLogs.hopelessStart(WorkerLogs.cannotStart(WrapperExit.CLIENT_GONE, "gone"))).isEmpty();
    assertThat(WorkerLogs.hopelessStart("taskwire-wrapper: class path entry /x.jar does not exist")).isEmpty();
  }

  @Test
  void everyExitButSuccessSaysWhatTheCallsFailureIs() {
    for (WrapperExit exit : WrapperExit.values()) {
      assertThat(exit.failure() == null).as(exit.name()).isEqualTo(exit == WrapperExit.OK);
    }
    for (WrapperExit exit : java.util.List.of(WrapperExit.CLASSPATH, WrapperExit.SANDBOX_CORRUPT,
        WrapperExit.SANDBOX_UNSAFE, WrapperExit.SANDBOX_UNAVAILABLE, WrapperExit.NO_JAVA, WrapperExit.USAGE)) {
      assertThat(exit.failure()).as(exit.name()).isEqualTo(FailureKind.BACKEND);
      assertThat(exit.failure().retryable()).isFalse();
    }
    assertThat(WrapperExit.WORK_THREW.failure().retryable()).isTrue();
    assertThat(WrapperExit.CLIENT_GONE.failure().retryable()).isTrue();
  }
}
