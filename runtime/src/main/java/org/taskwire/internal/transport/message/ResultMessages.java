package org.taskwire.internal.transport.message;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.taskwire.FailureKind;
import org.taskwire.internal.call.RemoteError;
import org.taskwire.internal.call.ResultEnvelope;

/**
 * The result message, shaped like iDDS's AsyncResult message so the two can interoperate, and
 * signed so that nothing but this run's workers can complete its calls.
 *
 * <p>Headers: {@code persistent: true}, {@code channel: asyncresult}, {@code type: iwork},
 * {@code internal_id}, {@code request_id}, {@code transform_id}. Body: {@code ret = [status,
 * output, error, metrics]}, {@code name}, {@code key}, {@code internal_id}, {@code type},
 * {@code request_id}, {@code transform_id}, and a {@code taskwire} object with the run, call,
 * attempt, codec, the Kryo payload (base64; with the JSON codec {@code output} is the plain JSON
 * value instead), the structured error and the HMAC-SHA256 signature.
 */
public final class ResultMessages {
  /** Version of the {@code taskwire} part of the body. */
  static final int VERSION = 1;

  /** A job writes its one message with the streaming API: databind costs a fresh JVM hundreds of milliseconds. */
  private static final JsonFactory FACTORY = new JsonFactory();

  /** The tree model, for reading messages on the client and for JSON-codec outputs; loaded only then. */
  private static final class Trees {
    static final ObjectMapper MAPPER = JsonMapper.builder().build();
  }
  /** Looking a digest up costs more than using it; digest() resets it for the next use. */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  private ResultMessages() {}

  /** What travels besides the envelope: routing, names and the codec of the output. */
  public record Context(Route route, String workId, String codec) {}

  /**
   * Builds the signed message of a result.
   *
   * @throws IllegalArgumentException if a JSON-codec output is not valid JSON
   */
  public static ResultMessage encode(ResultEnvelope result, Context context, SigningKey key) {
    Route route = context.route();
    boolean json = "json".equals(context.codec());
    byte[] output = result.output();
    String payload = null;
    if (output != null) {
      if (json) {
        output = write(parse(output, "the JSON output"));
      } else {
        payload = Base64.getEncoder().encodeToString(output);
      }
    }
    RemoteError error = result.error();
    byte[] errorJson = error == null ? null : errorJson(error);
    String signature = Base64.getEncoder().encodeToString(key.sign(signedBytes(route.internalId(), result.runId(),
        result.callId(), result.attempt(), context.codec(), output, errorJson)));
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream(512 + (payload == null ? 0 : payload.length()));
    try (JsonGenerator g = FACTORY.createGenerator(body)) {
      g.writeStartObject();
      g.writeArrayFieldStart("ret");
      g.writeBoolean(result.succeeded());
      if (output == null) {
        g.writeNull();
      } else if (json) {
        g.writeRawValue(new String(output, StandardCharsets.UTF_8));
      } else {
        g.writeNull();
      }
      g.writeString(error == null ? null : describe(error));
      g.writeStartObject();
      g.writeNumberField("start_time", result.startedAt() / 1000.0);
      g.writeNumberField("end_time", result.finishedAt() / 1000.0);
      g.writeEndObject();
      g.writeEndArray();
      g.writeStringField("name", context.workId());
      g.writeStringField("key", Long.toString(result.callId()));
      g.writeStringField("internal_id", route.internalId());
      g.writeStringField("type", "iwork");
      g.writeNumberField("request_id", route.requestId());
      g.writeNumberField("transform_id", route.transformId());
      g.writeObjectFieldStart("taskwire");
      g.writeNumberField("version", VERSION);
      g.writeStringField("run", result.runId());
      g.writeNumberField("call", result.callId());
      g.writeNumberField("attempt", result.attempt());
      g.writeStringField("codec", context.codec());
      g.writeStringField("payload", payload);
      g.writeFieldName("error");
      if (errorJson == null) {
        g.writeNull();
      } else {
        g.writeRawValue(new String(errorJson, StandardCharsets.UTF_8));
      }
      g.writeStringField("signature", signature);
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }

    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("persistent", "true");
    headers.put("channel", "asyncresult");
    headers.put("type", "iwork");
    headers.put("internal_id", route.internalId());
    headers.put("request_id", Long.toString(route.requestId()));
    headers.put("transform_id", Long.toString(route.transformId()));
    return new ResultMessage(headers, body.toByteArray());
  }

  /**
   * Reads and checks a message body.
   *
   * @throws RejectedMessageException if the body is malformed, names another route or run, or
   *     its signature does not verify
   */
  public static ResultEnvelope decode(byte[] body, Route expected, String runId, SigningKey key)
      throws RejectedMessageException {
    JsonNode root = readTree(body);
    List<JsonNode> results = results(root);
    if (root.isArray()) {
      throw new RejectedMessageException("a batch of " + results.size() + " results where one was expected");
    }
    return decode(root, expected, runId, key);
  }

  /** Whether a single result body is a validly signed result of this route's run: what a relay may keep. */
  public static java.util.function.Predicate<byte[]> signedFor(Route route, String runId, SigningKey key) {
    return body -> {
      try {
        decode(body, route, runId, key);
        return true;
      } catch (RejectedMessageException e) {
        return false;
      }
    };
  }

  /**
   * Combines signed result messages of one route into one message whose body is the JSON array
   * of their bodies: one broker message, one receipt, and each result still checked on its own.
   * Single results keep iDDS's format; batches are Taskwire's own.
   */
  public static ResultMessage batch(List<ResultMessage> messages) {
    if (messages.size() == 1) {
      return messages.get(0);
    }
    int size = 1 + messages.size();
    for (ResultMessage m : messages) {
      size += m.body().length;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(size);
    out.write('[');
    for (int i = 0; i < messages.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.writeBytes(messages.get(i).body());
    }
    out.write(']');
    Map<String, String> headers = new LinkedHashMap<>(messages.get(0).headers());
    headers.put("batch", Integer.toString(messages.size()));
    return new ResultMessage(headers, out.toByteArray());
  }

  /**
   * Splits a message body into its results: one for a single result, several for a batch.
   *
   * @throws RejectedMessageException if the body is not JSON, or neither an object nor an array of them
   */
  public static List<JsonNode> parse(byte[] body) throws RejectedMessageException {
    return results(readTree(body));
  }

  private static JsonNode readTree(byte[] body) throws RejectedMessageException {
    try {
      return Trees.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new RejectedMessageException("malformed JSON: " + firstLine(e.getMessage()), e);
    }
  }

  private static List<JsonNode> results(JsonNode root) throws RejectedMessageException {
    if (root != null && root.isObject()) {
      return List.of(root);
    }
    if (root != null && root.isArray() && !root.isEmpty()) {
      List<JsonNode> results = new java.util.ArrayList<>(root.size());
      root.forEach(results::add);
      if (results.stream().allMatch(JsonNode::isObject)) {
        return results;
      }
    }
    throw new RejectedMessageException("the body is not a JSON object or an array of them");
  }

  /**
   * Checks one result of a parsed body.
   *
   * @throws RejectedMessageException if it is malformed, names another route or run, or its
   *     signature does not verify
   */
  public static ResultEnvelope decode(JsonNode root, Route expected, String runId, SigningKey key)
      throws RejectedMessageException {
    if (root == null || !root.isObject()) {
      throw new RejectedMessageException("a result is not a JSON object");
    }
    String internalId = root.path("internal_id").asText(null);
    if (!expected.internalId().equals(internalId)) {
      throw new RejectedMessageException("internal_id " + internalId + " is not this run's");
    }
    JsonNode tw = root.path("taskwire");
    JsonNode ret = root.path("ret");
    if (!tw.isObject() || !ret.isArray() || ret.size() < 2 || !tw.path("signature").isTextual()
        || !tw.path("call").canConvertToLong() || !tw.path("attempt").canConvertToInt()) {
      throw new RejectedMessageException("not a Taskwire result: taskwire, ret, call, attempt or signature missing");
    }
    if (!runId.equals(tw.path("run").asText())) {
      throw new RejectedMessageException("run " + tw.path("run").asText() + " is not this run");
    }
    long call = tw.path("call").asLong();
    int attempt = tw.path("attempt").asInt();
    String codec = tw.path("codec").asText("");
    boolean ok = ret.get(0).asBoolean(false);
    JsonNode errorNode = tw.path("error").isObject() ? tw.get("error") : null;
    byte[] output = null;
    try {
      if (ok && "json".equals(codec)) {
        output = write(ret.get(1));
      } else if (ok && tw.path("payload").isTextual()) {
        output = Base64.getDecoder().decode(tw.get("payload").asText());
      }
    } catch (IllegalArgumentException e) {
      throw new RejectedMessageException("malformed payload: " + e.getMessage(), e);
    }
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(tw.get("signature").asText());
    } catch (IllegalArgumentException e) {
      throw new RejectedMessageException("malformed signature", e);
    }
    if (!key.verify(signedBytes(internalId, runId, call, attempt, codec, output,
        errorNode == null ? null : write(errorNode)), signature)) {
      throw new RejectedMessageException("bad signature on the result of call " + call + " attempt " + attempt);
    }
    if (ok == (errorNode != null) || (ok && output == null)) {
      throw new RejectedMessageException("inconsistent status in the result of call " + call);
    }
    JsonNode metrics = ret.size() > 3 ? ret.get(3) : com.fasterxml.jackson.databind.node.NullNode.getInstance();
    long started = (long) (metrics.path("start_time").asDouble(0) * 1000);
    long finished = (long) (metrics.path("end_time").asDouble(0) * 1000);
    RemoteError error = errorNode == null ? null : remoteError(errorNode);
    return new ResultEnvelope(runId, call, attempt, ok ? output : null, error, started, finished);
  }

  /** The error as the body carries it, and as its signature covers it: compact, in this field order. */
  private static byte[] errorJson(RemoteError e) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("kind", e.kind().name());
      g.writeStringField("class", e.className());
      g.writeStringField("message", e.message());
      g.writeStringField("stack", e.stackTrace());
      g.writeStringField("log", e.logLocation());
      g.writeEndObject();
    } catch (IOException ex) {
      throw new java.io.UncheckedIOException(ex);
    }
    return out.toByteArray();
  }

  private static RemoteError remoteError(JsonNode n) throws RejectedMessageException {
    FailureKind kind;
    try {
      kind = FailureKind.valueOf(n.path("kind").asText());
    } catch (IllegalArgumentException e) {
      throw new RejectedMessageException("unknown failure kind " + n.path("kind").asText(), e);
    }
    return new RemoteError(kind, text(n, "class"), text(n, "message"), text(n, "stack"), text(n, "log"));
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** iDDS's error string: the remote class and message. */
  private static String describe(RemoteError e) {
    return (e.className() == null ? e.kind().name() : e.className()) + (e.message() == null ? "" : ": " + e.message());
  }

  /** What the signature covers: every field that decides which call completes and how. */
  private static byte[] signedBytes(String internalId, String runId, long call, int attempt, String codec,
      byte[] output, byte[] error) {
    String text = "taskwire-result-v" + VERSION + "\n" + internalId + "\n" + runId + "\n" + call + "\n" + attempt + "\n"
        + codec + "\n" + (output == null ? "-" : sha256(output)) + "\n"
        + (error == null ? "-" : sha256(error));
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String sha256(byte[] data) {
    return Base64.getEncoder().encodeToString(SHA256.get().digest(data));
  }

  private static JsonNode parse(byte[] bytes, String what) {
    try {
      return Trees.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " is not valid JSON: " + firstLine(e.getMessage()), e);
    }
  }

  private static byte[] write(JsonNode node) {
    try {
      return Trees.MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}
