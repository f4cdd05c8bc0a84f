package org.taskwire.internal.call;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.taskwire.FailureKind;

/**
 * Call and result envelopes as JSON, for files (a job's call and result files, PanDA job metadata)
 * and for the frames of the local pipe. Strict: an unknown field is an error, not ignored.
 *
 * <p>The two envelopes are written and read with Jackson's streaming API, field by field: a job's
 * JVM reads one call and writes one result, and Jackson's databind (some 600 classes) would cost a
 * fresh JVM more than the rest of its JSON together. Other records (the pipe's control frames)
 * still go through databind, loaded only when one is written or read.
 */
public final class EnvelopeJson {
  private static final JsonFactory FACTORY = new JsonFactory();
  /** The fields each envelope may have: its record's components. */
  private static final Set<String> CALL_FIELDS = Set.of("runId", "callId", "attempt", "workId", "codec", "arguments");
  private static final Set<String> RESULT_FIELDS =
      Set.of("runId", "callId", "attempt", "output", "error", "startedAt", "finishedAt");
  private static final Set<String> ERROR_FIELDS =
      Set.of("kind", "className", "message", "stackTrace", "logLocation", "backendDetail");

  /** Databind, for the records that are not envelopes; a holder, so that a job never loads it. */
  private static final class Databind {
    static final ObjectMapper MAPPER =
        JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  }

  private EnvelopeJson() {}

  public static byte[] toJson(Object envelope) throws IOException {
    if (envelope instanceof ResultEnvelope r) {
      return write(g -> writeResult(g, r));
    }
    if (envelope instanceof CallEnvelope c) {
      return write(g -> writeCall(g, c));
    }
    return Databind.MAPPER.writeValueAsBytes(envelope);
  }

  @SuppressWarnings("unchecked")
  public static <T> T fromJson(byte[] json, Class<T> type) throws IOException {
    if (type == ResultEnvelope.class) {
      return (T) read(json, EnvelopeJson::readResult);
    }
    if (type == CallEnvelope.class) {
      return (T) read(json, EnvelopeJson::readCall);
    }
    return Databind.MAPPER.readValue(json, type);
  }

  private interface Writing {
    void write(JsonGenerator g) throws IOException;
  }

  private interface Reading<T> {
    T read(JsonParser p) throws IOException;
  }

  private static byte[] write(Writing writing) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      writing.write(g);
    }
    return out.toByteArray();
  }

  private static <T> T read(byte[] json, Reading<T> reading) throws IOException {
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("expected a JSON object");
      }
      T value = reading.read(p);
      if (p.nextToken() != null) {
        throw new IOException("trailing content after the JSON object");
      }
      return value;
    }
  }

  private static void writeCall(JsonGenerator g, CallEnvelope c) throws IOException {
    g.writeStartObject();
    g.writeStringField("runId", c.runId());
    g.writeNumberField("callId", c.callId());
    g.writeNumberField("attempt", c.attempt());
    g.writeStringField("workId", c.workId());
    g.writeStringField("codec", c.codec());
    g.writeFieldName("arguments");
    binary(g, c.arguments());
    g.writeEndObject();
  }

  private static void writeResult(JsonGenerator g, ResultEnvelope r) throws IOException {
    g.writeStartObject();
    g.writeStringField("runId", r.runId());
    g.writeNumberField("callId", r.callId());
    g.writeNumberField("attempt", r.attempt());
    g.writeFieldName("output");
    binary(g, r.output());
    g.writeFieldName("error");
    RemoteError e = r.error();
    if (e == null) {
      g.writeNull();
    } else {
      g.writeStartObject();
      g.writeStringField("kind", e.kindName());
      g.writeStringField("className", e.className());
      g.writeStringField("message", e.message());
      g.writeStringField("stackTrace", e.stackTrace());
      g.writeStringField("logLocation", e.logLocation());
      g.writeStringField("backendDetail", e.backendDetail());
      g.writeEndObject();
    }
    g.writeNumberField("startedAt", r.startedAt());
    g.writeNumberField("finishedAt", r.finishedAt());
    g.writeEndObject();
  }

  private static void binary(JsonGenerator g, byte[] bytes) throws IOException {
    if (bytes == null) {
      g.writeNull();
    } else {
      g.writeBinary(bytes);
    }
  }

  private static CallEnvelope readCall(JsonParser p) throws IOException {
    Map<String, Object> f = fields(p, "call", CALL_FIELDS);
    return new CallEnvelope(string(f, "runId"), number(f, "callId"), (int) number(f, "attempt"),
        string(f, "workId"), string(f, "codec"), (byte[]) f.get("arguments"));
  }

  private static ResultEnvelope readResult(JsonParser p) throws IOException {
    Map<String, Object> f = fields(p, "result", RESULT_FIELDS);
    return new ResultEnvelope(string(f, "runId"), number(f, "callId"), (int) number(f, "attempt"),
        (byte[]) f.get("output"), (RemoteError) f.get("error"), number(f, "startedAt"), number(f, "finishedAt"));
  }

  private static RemoteError readError(JsonParser p) throws IOException {
    Map<String, Object> f = fields(p, "error", ERROR_FIELDS);
    String kind = string(f, "kind");
    try {
      return new RemoteError(kind == null ? null : FailureKind.valueOf(kind), string(f, "className"),
          string(f, "message"), string(f, "stackTrace"), string(f, "logLocation"), string(f, "backendDetail"));
    } catch (IllegalArgumentException e) {
      throw new IOException("unknown failure kind '" + kind + "'", e);
    }
  }

  /**
   * The fields of the object the parser is in, by name: strings, numbers, base64 binaries (the
   * byte[] fields), a nested error, or null. Only the named fields are allowed.
   */
  private static Map<String, Object> fields(JsonParser p, String what, Set<String> allowed) throws IOException {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      if (t != JsonToken.FIELD_NAME) {
        throw new IOException("malformed " + what + " envelope at " + p.currentLocation());
      }
      String name = p.currentName();
      if (!allowed.contains(name)) {
        throw new IOException("unknown field '" + name + "' in a " + what + " envelope");
      }
      JsonToken value = p.nextToken();
      Object v = switch (value) {
        case VALUE_NULL -> null;
        case VALUE_NUMBER_INT -> p.getLongValue();
        case VALUE_STRING -> name.equals("output") || name.equals("arguments") ? p.getBinaryValue() : p.getText();
        case START_OBJECT -> {
          if (!name.equals("error")) {
            throw new IOException("field '" + name + "' of a " + what + " envelope is an object");
          }
          yield readError(p);
        }
        default -> throw new IOException("field '" + name + "' of a " + what + " envelope is " + value);
      };
      fields.put(name, v);
    }
    return fields;
  }

  private static String string(Map<String, Object> fields, String name) throws IOException {
    Object v = fields.get(name);
    if (v != null && !(v instanceof String)) {
      throw new IOException("field '" + name + "' is not a string");
    }
    return (String) v;
  }

  private static long number(Map<String, Object> fields, String name) throws IOException {
    Object v = fields.get(name);
    if (!(v instanceof Long n)) {
      throw new IOException("field '" + name + "' is missing or not a number");
    }
    return n;
  }
}
