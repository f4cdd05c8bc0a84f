package org.taskwire.internal.codec;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import org.taskwire.spi.WorkDefinition;

/**
 * JSON through Jackson, without default typing: a payload decodes only into the declared argument
 * record or result type, so no class named in the data is ever instantiated.
 */
final class JsonPayloadCodec implements PayloadCodec {
  private final ObjectMapper mapper =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .addModule(new JsonTravelModule())
          .build();

  @Override
  public String name() {
    return "json";
  }

  @Override
  public byte[] encodeArguments(WorkDefinition<?, ?> work, Record arguments) {
    try {
      return mapper.writeValueAsBytes(arguments);
    } catch (IOException e) {
      throw new CodecException("cannot encode the arguments of " + work.name() + " as JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public Record decodeArguments(WorkDefinition<?, ?> work, byte[] bytes) {
    try {
      return mapper.readValue(bytes, work.argumentsType());
    } catch (IOException e) {
      throw new CodecException("cannot decode the arguments of " + work.name() + " from JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] encodeResult(WorkDefinition<?, ?> work, Object result) {
    try {
      return mapper.writerFor(type(work)).writeValueAsBytes(result);
    } catch (IOException e) {
      throw new CodecException("cannot encode the result of " + work.name() + " as JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public Object decodeResult(WorkDefinition<?, ?> work, byte[] bytes) {
    try {
      return mapper.readValue(bytes, type(work));
    } catch (IOException e) {
      throw new CodecException(
          "the result of " + work.name() + " does not decode as " + work.resultType() + ": " + e.getMessage(), e);
    }
  }

  private JavaType type(WorkDefinition<?, ?> work) {
    return mapper.constructType(work.resultType().type());
  }
}
