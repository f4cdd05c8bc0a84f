package org.taskwire.internal.call;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * Call and result envelopes as JSON, for files (a job's call and result files, PanDA job metadata)
 * and for the frames of the local pipe. Strict: an unknown field is an error, not ignored.
 */
public final class EnvelopeJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private EnvelopeJson() {}

  public static byte[] toJson(Object envelope) throws IOException {
    return MAPPER.writeValueAsBytes(envelope);
  }

  public static <T> T fromJson(byte[] json, Class<T> type) throws IOException {
    return MAPPER.readValue(json, type);
  }
}
