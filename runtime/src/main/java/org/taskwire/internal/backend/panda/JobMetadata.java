package org.taskwire.internal.backend.panda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;
import org.taskwire.internal.call.EnvelopeJson;
import org.taskwire.internal.call.ResultEnvelope;

/**
 * A grid job's second copy of its result: the wrapper writes the result envelope to
 * {@code userJobMetadata.json}, runGen merges that file into the job report as
 * {@code user_job_metadata}, and the client reads it back with
 * {@code job/get_metadata_for_analysis_jobs} when the message never arrived. runGen drops files
 * over {@value #MAX_BYTES} bytes, so a larger result is recorded by its size only.
 */
public final class JobMetadata {
  /** The file runGen looks for in the run directory. */
  public static final String FILE_NAME = "userJobMetadata.json";
  /** runGen's limit. */
  public static final int MAX_BYTES = 1024 * 1024;
  /** Made once: a factory is meant to be shared, and a job writes this file with it. */
  private static final com.fasterxml.jackson.core.JsonFactory JSON = new com.fasterxml.jackson.core.JsonFactory();

  /** Databind, for the client reading job reports; a holder, so that the job writing the file never loads it. */
  private static final class Databind {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  private JobMetadata() {}

  /** The file's content for a result; a result too large for the file is recorded by size. */
  public static byte[] of(ResultEnvelope result) throws IOException {
    byte[] json = EnvelopeJson.toJson(result);
    // Written with the streaming API: the job that writes it need not load databind.
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(json.length + 64);
    try (com.fasterxml.jackson.core.JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeObjectFieldStart("taskwire");
      g.writeNumberField("version", 1);
      if (json.length + 64 > MAX_BYTES) {
        g.writeNumberField("callId", result.callId());
        g.writeNumberField("resultBytes", json.length);
      } else {
        g.writeFieldName("result");
        g.writeRawValue(new String(json, java.nio.charset.StandardCharsets.UTF_8));
      }
      g.writeEndObject();
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  /**
   * The result in a job's metadata as the server returns it (the job report, with our file under
   * {@code user_job_metadata}, or the file itself).
   */
  public static Optional<ResultEnvelope> read(JsonNode metadata) throws IOException {
    JsonNode result = taskwire(metadata).path("result");
    if (!result.isObject()) {
      return Optional.empty();
    }
    return Optional.of(EnvelopeJson.fromJson(Databind.MAPPER.writeValueAsBytes(result), ResultEnvelope.class));
  }

  /** The size of a result that was too large for the file, or -1. */
  public static long oversizedResultBytes(JsonNode metadata) {
    return taskwire(metadata).path("resultBytes").asLong(-1);
  }

  /** Our object in the metadata: under {@code user_job_metadata} in a job report, or at the top of the file. */
  private static JsonNode taskwire(JsonNode metadata) {
    if (metadata == null) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
    JsonNode merged = metadata.path("user_job_metadata").path("taskwire");
    return merged.isMissingNode() ? metadata.path("taskwire") : merged;
  }
}
