package org.taskwire.internal.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.KeyDeserializers;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.taskwire.MapResult;
import org.taskwire.Outcome;

/**
 * What JSON needs beyond Jackson's defaults for the values of multi-step workflows: maps keyed by
 * the caller's records (a grid point), whose keys are written as the record's own JSON text, and
 * {@link MapResult}s, written as a list of {@code {"key": ..., "value": ...}} or
 * {@code {"key": ..., "failure": {...}}} entries in key order.
 */
final class JsonTravelModule extends SimpleModule {
  private static final long serialVersionUID = 1L;

  JsonTravelModule() {
    super("taskwire-travel");
    addKeySerializer(Record.class, new RecordKeySerializer());
    @SuppressWarnings({"rawtypes", "unchecked"})
    Class<MapResult<?, ?>> raw = (Class) MapResult.class;
    addSerializer(raw, new MapResultSerializer());
    addDeserializer(raw, new MapResultDeserializer(null, null));
  }

  @Override
  public void setupModule(SetupContext context) {
    super.setupModule(context);
    context.addKeyDeserializers(new RecordKeyDeserializers());
  }

  private static final class RecordKeySerializer extends StdSerializer<Record> {
    private static final long serialVersionUID = 1L;

    RecordKeySerializer() {
      super(Record.class);
    }

    @Override
    public void serialize(Record key, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeFieldName(((ObjectMapper) gen.getCodec()).writeValueAsString(key));
    }
  }

  private static final class RecordKeyDeserializers implements KeyDeserializers {
    @Override
    public KeyDeserializer findKeyDeserializer(JavaType type, DeserializationConfig config, BeanDescription beanDesc) {
      Class<?> raw = type.getRawClass();
      if (!raw.isRecord()) {
        return null;
      }
      return new KeyDeserializer() {
        @Override
        public Object deserializeKey(String key, DeserializationContext ctxt) throws IOException {
          try (JsonParser p = ctxt.getParser().getCodec().getFactory().createParser(key)) {
            p.nextToken();
            return ctxt.readValue(p, raw);
          }
        }
      };
    }
  }

  @SuppressWarnings("rawtypes")
  private static final class MapResultSerializer extends StdSerializer<MapResult<?, ?>> {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("unchecked")
    MapResultSerializer() {
      super((Class) MapResult.class);
    }

    @Override
    public void serialize(MapResult<?, ?> value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeStartArray();
      for (Map.Entry<?, ? extends Outcome<?>> e : value.entrySet()) {
        gen.writeStartObject();
        provider.defaultSerializeField("key", e.getKey(), gen);
        Outcome<?> outcome = e.getValue();
        if (outcome.succeeded()) {
          provider.defaultSerializeField("value", outcome.value(), gen);
        } else {
          provider.defaultSerializeField("failure", FailureWire.of(outcome.failure().orElseThrow()), gen);
        }
        gen.writeEndObject();
      }
      gen.writeEndArray();
    }
  }

  private static final class MapResultDeserializer extends JsonDeserializer<MapResult<?, ?>>
      implements ContextualDeserializer {
    private final JavaType keyType;
    private final JavaType valueType;

    MapResultDeserializer(JavaType keyType, JavaType valueType) {
      this.keyType = keyType;
      this.valueType = valueType;
    }

    @Override
    public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
      JavaType type = ctxt.getContextualType() != null ? ctxt.getContextualType() : property.getType();
      return new MapResultDeserializer(type.containedTypeOrUnknown(0), type.containedTypeOrUnknown(1));
    }

    @Override
    public MapResult<?, ?> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.START_ARRAY) {
        return (MapResult<?, ?>) ctxt.handleUnexpectedToken(MapResult.class, p);
      }
      Map<Object, Outcome<Object>> outcomes = new LinkedHashMap<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        JsonNode entry = ctxt.readTree(p);
        if (!entry.has("key") || entry.has("value") == entry.has("failure")) {
          return (MapResult<?, ?>) ctxt.reportInputMismatch(MapResult.class,
              "a MapResult entry needs a key and one of value or failure, not " + entry);
        }
        Object key = ctxt.readTreeAsValue(entry.get("key"), keyType);
        Outcome<Object> outcome = entry.has("value")
            ? new Outcome.Success<>(ctxt.readTreeAsValue(entry.get("value"), valueType))
            : new Outcome.Failure<>(ctxt.readTreeAsValue(entry.get("failure"), FailureWire.class).exception());
        outcomes.put(key, outcome);
      }
      return new MapResult<>(outcomes);
    }
  }
}
