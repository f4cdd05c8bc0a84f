package org.taskwire.internal.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.taskwire.FailureKind;

/**
 * The envelopes' streaming writer and reader keep the format Jackson's databind gave the records
 * (files written by earlier versions still read, and the other way round), and stay strict.
 */
class EnvelopeJsonTest {
  private static final ObjectMapper DATABIND = new ObjectMapper();

  private static final CallEnvelope CALL = new CallEnvelope("run-1", 7, 2, "demo.W#f", "kryo", new byte[] {1, 2, 3, -1});
  private static final List<ResultEnvelope> RESULTS = List.of(
      ResultEnvelope.success(CALL, new byte[] {9, 8, 7}, 1_700_000_000_000L, 1_700_000_000_123L),
      ResultEnvelope.success(CALL, null, 1, 2),
      ResultEnvelope.failure(CALL, new RemoteError(FailureKind.WORK_THREW, "java.lang.IllegalStateException",
          "bad \"x\"\n<script>é", "at a.b(C.java:1)\n", "/logs/w1.log", "PanDA job 42"), 3, 4),
      ResultEnvelope.failure(CALL, RemoteError.unclassified("lost"), 5, 6));

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void writesWhatDatabindWroteAndReadsItBack() throws IOException {
    assertThat(new String(EnvelopeJson.toJson(CALL), StandardCharsets.UTF_8))
        .isEqualTo(DATABIND.writeValueAsString(CALL));
    CallEnvelope call = EnvelopeJson.fromJson(DATABIND.writeValueAsBytes(CALL), CallEnvelope.class);
    assertThat(call).usingRecursiveComparison().isEqualTo(CALL);
    for (ResultEnvelope r : RESULTS) {
      assertThat(new String(EnvelopeJson.toJson(r), StandardCharsets.UTF_8)).isEqualTo(DATABIND.writeValueAsString(r));
      assertThat(EnvelopeJson.fromJson(DATABIND.writeValueAsBytes(r), ResultEnvelope.class))
          .usingRecursiveComparison().isEqualTo(r);
    }
  }

  @Test
  void anUnknownOrMistypedFieldIsAnError() {
    assertThatThrownBy(() -> EnvelopeJson.fromJson(utf8("{\"runId\":\"r\",\"callId\":1,\"attempt\":1,\"extra\":1}"),
        CallEnvelope.class)).isInstanceOf(IOException.class)
        .hasMessageContaining("unknown field 'extra' in a call envelope");
    assertThatThrownBy(() -> EnvelopeJson.fromJson(utf8("{\"runId\":3,\"callId\":1,\"attempt\":1}"),
        CallEnvelope.class)).isInstanceOf(IOException.class).hasMessageContaining("field 'runId' is not a string");
    assertThatThrownBy(() -> EnvelopeJson.fromJson(utf8("{\"runId\":\"r\",\"attempt\":1}"), ResultEnvelope.class))
        .isInstanceOf(IOException.class).hasMessageContaining("field 'callId' is missing");
    assertThatThrownBy(() -> EnvelopeJson.fromJson(utf8("{\"runId\":\"r\",\"callId\":1,\"attempt\":1,\"startedAt\":1,"
        + "\"finishedAt\":1,\"error\":{\"kind\":\"NO_SUCH\"}}"), ResultEnvelope.class))
        .isInstanceOf(IOException.class).hasMessageContaining("unknown failure kind 'NO_SUCH'");
    assertThatThrownBy(() -> EnvelopeJson.fromJson(utf8("[1]"), CallEnvelope.class))
        .isInstanceOf(IOException.class).hasMessageContaining("expected a JSON object");
    assertThatThrownBy(() -> EnvelopeJson.fromJson(utf8("{\"runId\":\"r\""), CallEnvelope.class))
        .isInstanceOf(IOException.class);
  }
}
