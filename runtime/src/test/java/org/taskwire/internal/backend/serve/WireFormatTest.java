package org.taskwire.internal.backend.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.taskwire.FailureKind;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.call.RemoteError;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.transport.message.SigningKey;

/** Call and result frames as workers and clients write and read them. */
class WireFormatTest {
  private final SigningKey key = SigningKey.generate();

  private static DataInputStream in(ByteArrayOutputStream bytes) {
    return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
  }

  @Test
  void callsGoThroughWholeNullArgumentsIncluded() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CallEnvelope first = new CallEnvelope("run-1", 7, 2, "demo.Hpo#objective", "kryo", new byte[] {1, 2, 3});
    CallEnvelope second = new CallEnvelope("run-1", 8, 1, "demo.Hpo#objective", "json", null);
    WireFormat.writeCalls(new DataOutputStream(bytes), List.of(first, second));
    DataInputStream in = in(bytes);
    CallEnvelope a = WireFormat.readCall(WireFormat.read(in));
    CallEnvelope b = WireFormat.readCall(WireFormat.read(in));
    assertThat(a.runId()).isEqualTo("run-1");
    assertThat(a.callId()).isEqualTo(7);
    assertThat(a.attempt()).isEqualTo(2);
    assertThat(a.arguments()).containsExactly(1, 2, 3);
    assertThat(b.codec()).isEqualTo("json");
    assertThat(b.arguments()).isNull();
    assertThat(WireFormat.read(in)).isNull();
  }

  @Test
  void aFailureWithATraceLongerThan64KilobytesGoesThroughWhole() throws Exception {
    String trace = "x".repeat(200_000);
    ResultEnvelope failed = new ResultEnvelope("run-1", 9, 1, null,
        new RemoteError(FailureKind.WORK_THREW, "demo.Boom", "boom \u00e9", trace, "/logs/w.log", null), 10, 20);
    ResultEnvelope ok = new ResultEnvelope("run-1", 10, 1, new byte[] {42}, null, 30, 40);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    WireFormat.writeResults(new DataOutputStream(bytes), List.of(failed, ok), key);
    DataInputStream in = in(bytes);
    ResultEnvelope a = WireFormat.readResult(WireFormat.read(in), key);
    ResultEnvelope b = WireFormat.readResult(WireFormat.read(in), key);
    assertThat(a.error().kind()).isEqualTo(FailureKind.WORK_THREW);
    assertThat(a.error().message()).isEqualTo("boom \u00e9");
    assertThat(a.error().stackTrace()).hasSize(200_000);
    assertThat(a.error().logLocation()).isEqualTo("/logs/w.log");
    assertThat(a.error().backendDetail()).isNull();
    assertThat(a.startedAt()).isEqualTo(10);
    assertThat(b.output()).containsExactly(42);
    assertThat(b.error()).isNull();
    assertThat(b.finishedAt()).isEqualTo(40);
  }

  @Test
  void aResultFrameSignedWithAnotherKeyIsRefused() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ResultEnvelope ok = new ResultEnvelope("run-1", 7, 1, new byte[] {1}, null, 0, 1);
    WireFormat.writeResults(new DataOutputStream(bytes), List.of(ok), SigningKey.generate());
    WireFormat.writeResults(new DataOutputStream(bytes), List.of(ok), key);
    DataInputStream in = in(bytes);
    WireFormat.Frame forged = WireFormat.read(in);
    assertThatThrownBy(() -> WireFormat.readResult(forged, key)).hasMessageContaining("not signed with this run's key");
    assertThat(WireFormat.readResult(WireFormat.read(in), key).callId()).isEqualTo(7);
  }

  @Test
  void aCallFrameOfAnotherLayoutOrWithStrayBytesIsRefused() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    WireFormat.writeCalls(new DataOutputStream(bytes), List.of(new CallEnvelope("r", 1, 1, "w", "kryo", new byte[0])));
    byte[] frame = WireFormat.read(in(bytes)).body();
    byte[] otherLayout = frame.clone();
    otherLayout[0] = 9;
    assertThatThrownBy(() -> WireFormat.readCall(new WireFormat.Frame(WireFormat.CALL, otherLayout)))
        .hasMessageContaining("different versions of Taskwire");
    byte[] stray = java.util.Arrays.copyOf(frame, frame.length + 2);
    assertThatThrownBy(() -> WireFormat.readCall(new WireFormat.Frame(WireFormat.CALL, stray)))
        .hasMessageContaining("2 stray bytes");
    byte[] cut = java.util.Arrays.copyOf(frame, frame.length - 1);
    assertThatThrownBy(() -> WireFormat.readCall(new WireFormat.Frame(WireFormat.CALL, cut)))
        .isInstanceOf(java.io.IOException.class);
  }
}
