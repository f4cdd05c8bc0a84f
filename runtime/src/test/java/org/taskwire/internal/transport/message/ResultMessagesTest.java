package org.taskwire.internal.transport.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.taskwire.FailureKind;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.call.RemoteError;
import org.taskwire.internal.call.ResultEnvelope;

class ResultMessagesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final SigningKey key = SigningKey.generate();
  private final Route route = Route.random(0, 7);
  private final CallEnvelope call = new CallEnvelope("run-1", 42, 2, "demo.Flow#f", "kryo", new byte[0]);
  private final ResultMessages.Context kryo = new ResultMessages.Context(route, "demo.Flow#f", "kryo");
  private final ResultMessages.Context json = new ResultMessages.Context(route, "demo.Flow#f", "json");

  /**
   * The body as the tree model wrote it before the streaming writer (the format iDDS's readers and
   * earlier clients know), signature aside; the signature is checked by decoding.
   */
  private ObjectNode treeBody(ResultEnvelope r, ResultMessages.Context context, String payload, JsonNode output) {
    ObjectNode error = null;
    if (r.error() != null) {
      error = JSON.createObjectNode().put("kind", r.error().kind().name()).put("class", r.error().className())
          .put("message", r.error().message()).put("stack", r.error().stackTrace()).put("log", r.error().logLocation());
    }
    ObjectNode body = JSON.createObjectNode();
    com.fasterxml.jackson.databind.node.ArrayNode ret = body.putArray("ret");
    ret.add(r.succeeded());
    ret.add(output == null ? JSON.nullNode() : output);
    ret.add(r.error() == null ? null : r.error().className() + ": " + r.error().message());
    ret.addObject().put("start_time", r.startedAt() / 1000.0).put("end_time", r.finishedAt() / 1000.0);
    body.put("name", context.workId()).put("key", Long.toString(r.callId())).put("internal_id", route.internalId())
        .put("type", "iwork").put("request_id", route.requestId()).put("transform_id", route.transformId());
    ObjectNode tw = body.putObject("taskwire").put("version", 1).put("run", r.runId()).put("call", r.callId())
        .put("attempt", r.attempt()).put("codec", context.codec()).put("payload", payload);
    tw.set("error", error);
    return body;
  }

  @Test
  void theStreamingWriterWritesTheBodyTheTreeModelWrote() throws Exception {
    ResultEnvelope ok = ResultEnvelope.success(call, new byte[] {1, 2, 3}, 1234, 5678);
    ResultEnvelope failed = ResultEnvelope.failure(call, new RemoteError(FailureKind.WORK_THREW,
        "java.lang.IllegalStateException", "bad \"x\" <b>é", "at x\n", "/logs/1"), 10, 20);
    ResultEnvelope jsonOk = ResultEnvelope.success(call, " [1.5, {\"a\" : 2}] ".getBytes(StandardCharsets.UTF_8), 1, 2);
    for (Object[] c : new Object[][] {{ok, kryo, "AQID", null}, {failed, kryo, null, null},
        {jsonOk, json, null, JSON.readTree("[1.5,{\"a\":2}]")}}) {
      ResultEnvelope r = (ResultEnvelope) c[0];
      ResultMessages.Context context = (ResultMessages.Context) c[1];
      ResultMessage m = ResultMessages.encode(r, context, key);
      ObjectNode body = (ObjectNode) JSON.readTree(m.body());
      String signature = ((ObjectNode) body.get("taskwire")).remove("signature").asText();
      assertThat(signature).isNotEmpty();
      assertThat(JSON.writeValueAsString(body))
          .isEqualTo(JSON.writeValueAsString(treeBody(r, context, (String) c[2], (JsonNode) c[3])));
      ResultEnvelope back = ResultMessages.decode(m.body(), route, "run-1", key);
      assertThat(back.callId()).isEqualTo(r.callId());
      assertThat(back.succeeded()).isEqualTo(r.succeeded());
    }
  }

  @Test
  void kryoSuccessRoundTrips() throws Exception {
    ResultEnvelope sent = ResultEnvelope.success(call, new byte[] {1, 2, 3, 0, -1}, 1000, 2500);
    ResultMessage m = ResultMessages.encode(sent, kryo, key);
    ResultEnvelope got = ResultMessages.decode(m.body(), route, "run-1", key);
    assertThat(got.callId()).isEqualTo(42);
    assertThat(got.attempt()).isEqualTo(2);
    assertThat(got.output()).containsExactly(1, 2, 3, 0, -1);
    assertThat(got.startedAt()).isEqualTo(1000);
    assertThat(got.finishedAt()).isEqualTo(2500);
  }

  @Test
  void headersAndBodyHaveIddsShape() throws Exception {
    ResultMessage m = ResultMessages.encode(ResultEnvelope.success(call, "[1.5,2]".getBytes(), 0, 0), json, key);
    assertThat(m.headers()).containsEntry("persistent", "true").containsEntry("channel", "asyncresult")
        .containsEntry("type", "iwork").containsEntry("internal_id", route.internalId())
        .containsEntry("request_id", "0").containsEntry("transform_id", "7");
    assertThat(route.internalId()).hasSize(32);
    JsonNode body = JSON.readTree(m.body());
    assertThat(body.get("ret").get(0).asBoolean()).isTrue();
    assertThat(body.get("ret").get(1).toString()).as("plain JSON output").isEqualTo("[1.5,2]");
    assertThat(body.get("ret").get(2).isNull()).isTrue();
    assertThat(body.get("ret").get(3).has("start_time")).isTrue();
    assertThat(body.get("internal_id").asText()).isEqualTo(route.internalId());
    assertThat(body.get("type").asText()).isEqualTo("iwork");
    assertThat(body.get("name").asText()).isEqualTo("demo.Flow#f");
    assertThat(ResultMessages.decode(m.body(), route, "run-1", key).output()).isEqualTo("[1.5,2]".getBytes());
  }

  @Test
  void failureCarriesTheRemoteError() throws Exception {
    RemoteError error = new RemoteError(FailureKind.WORK_THREW, "java.lang.IllegalStateException", "boom", "at x", null);
    ResultMessage m = ResultMessages.encode(ResultEnvelope.failure(call, error, 0, 0), kryo, key);
    assertThat(JSON.readTree(m.body()).get("ret").get(2).asText()).isEqualTo("java.lang.IllegalStateException: boom");
    ResultEnvelope got = ResultMessages.decode(m.body(), route, "run-1", key);
    assertThat(got.succeeded()).isFalse();
    assertThat(got.error()).isEqualTo(error);
  }

  @Test
  void anotherKeysSignatureIsRejected() {
    ResultMessage m = ResultMessages.encode(ResultEnvelope.success(call, new byte[] {9}, 0, 0), kryo, SigningKey.generate());
    assertThatThrownBy(() -> ResultMessages.decode(m.body(), route, "run-1", key))
        .isInstanceOf(RejectedMessageException.class).hasMessageContaining("bad signature");
  }

  @Test
  void tamperedFieldsAreRejected() throws Exception {
    ResultMessage m = ResultMessages.encode(ResultEnvelope.success(call, new byte[] {9}, 0, 0), kryo, key);
    for (String field : new String[] {"payload", "attempt", "call"}) {
      ObjectNode body = (ObjectNode) JSON.readTree(m.body());
      ObjectNode tw = (ObjectNode) body.get("taskwire");
      switch (field) {
        case "payload" -> tw.put("payload", "Cg==");
        case "attempt" -> tw.put("attempt", 3);
        default -> tw.put("call", 43);
      }
      assertThatThrownBy(() -> ResultMessages.decode(JSON.writeValueAsBytes(body), route, "run-1", key))
          .as(field).isInstanceOf(RejectedMessageException.class).hasMessageContaining("bad signature");
    }
  }

  @Test
  void wrongRouteRunAndMalformedBodiesAreRejected() {
    ResultMessage m = ResultMessages.encode(ResultEnvelope.success(call, new byte[] {9}, 0, 0), kryo, key);
    assertThatThrownBy(() -> ResultMessages.decode(m.body(), Route.random(0, 7), "run-1", key))
        .hasMessageContaining("is not this run's");
    assertThatThrownBy(() -> ResultMessages.decode(m.body(), route, "run-2", key))
        .hasMessageContaining("run run-1 is not this run");
    assertThatThrownBy(() -> ResultMessages.decode("{not json".getBytes(StandardCharsets.UTF_8), route, "run-1", key))
        .hasMessageStartingWith("malformed JSON");
    assertThatThrownBy(() -> ResultMessages.decode("[1]".getBytes(StandardCharsets.UTF_8), route, "run-1", key))
        .hasMessage("the body is not a JSON object or an array of them");
    String noTaskwire = "{\"internal_id\":\"" + route.internalId() + "\",\"ret\":[true,1,null,null]}";
    assertThatThrownBy(() -> ResultMessages.decode(noTaskwire.getBytes(StandardCharsets.UTF_8), route, "run-1", key))
        .hasMessageStartingWith("not a Taskwire result");
  }

  @Test
  void signingKeyTravelsAsBase64AndHidesItself() {
    SigningKey copy = SigningKey.fromBase64(key.toBase64());
    byte[] data = {1, 2, 3};
    assertThat(copy.verify(data, key.sign(data))).isTrue();
    assertThat(key.toString()).doesNotContain(key.toBase64());
    assertThatThrownBy(() -> SigningKey.fromBase64("c2hvcnQ=")).hasMessageContaining("at least 128 bits");
  }
}
