package org.taskwire.internal.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.serializers.ImmutableCollectionsSerializers;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.util.Pool;
import org.taskwire.MapResult;
import org.taskwire.Outcome;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.objenesis.strategy.StdInstantiatorStrategy;
import org.taskwire.spi.WorkDefinition;
import org.taskwire.spi.WorkflowDefinition;

/**
 * Kryo with registration required: only common JDK value types and the types the workflow's
 * work methods declare (their closure, computed by the processor) can be written or read. Both
 * sides register in the same order, so the numeric ids agree.
 */
final class KryoPayloadCodec implements PayloadCodec {
  private static final int FIRST_ID = 100;
  private static final Pattern UNREGISTERED = Pattern.compile("Class is not registered: ([^\\s]+)");

  /** JDK types that may travel with any work, in registration order (append only). */
  private static final List<Class<?>> JDK_TYPES = List.of(
      Object[].class, boolean[].class, byte[].class, char[].class, short[].class, int[].class,
      long[].class, float[].class, double[].class, String[].class,
      BigDecimal.class, BigInteger.class, Date.class, UUID.class,
      Optional.class, OptionalInt.class, OptionalLong.class, OptionalDouble.class,
      ArrayList.class, LinkedList.class, ArrayDeque.class, HashMap.class, LinkedHashMap.class,
      TreeMap.class, HashSet.class, LinkedHashSet.class, TreeSet.class,
      Collections.emptyList().getClass(), Collections.emptySet().getClass(), Collections.emptyMap().getClass(),
      Collections.singletonList(1).getClass(), Collections.singleton(1).getClass(),
      Collections.singletonMap(1, 1).getClass(), Arrays.asList(1).getClass(),
      Instant.class, Duration.class, LocalDate.class, LocalDateTime.class, LocalTime.class, OffsetDateTime.class);

  private final WorkflowDefinition workflow;
  private final Pool<Kryo> pool;

  KryoPayloadCodec(WorkflowDefinition workflow) {
    this.workflow = workflow;
    this.pool = new Pool<>(true, false, 64) {
      @Override
      protected Kryo create() {
        return newKryo();
      }
    };
    pool.free(pool.obtain()); // fail fast on a bad registration
  }

  private Kryo newKryo() {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(true);
    kryo.setReferences(false);
    kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
    kryo.addDefaultSerializer(UUID.class, new DefaultSerializers.UUIDSerializer());
    ImmutableCollectionsSerializers.addDefaultSerializers(kryo);
    int id = FIRST_ID;
    for (Class<?> type : JDK_TYPES) {
      kryo.register(type, id++);
    }
    id = registerUnmodifiable(kryo, id);
    kryo.register(MapResult.class, new MapResultSerializer(), id++);
    for (WorkDefinition<?, ?> work : workflow.works()) {
      kryo.register(work.argumentsType(), id++);
    }
    for (WorkDefinition<?, ?> work : workflow.works()) {
      for (Class<?> type : work.travellingTypes()) {
        if (kryo.getClassResolver().getRegistration(type) == null) {
          kryo.register(type, id++);
        }
      }
    }
    ImmutableCollectionsSerializers.registerSerializers(kryo);
    return kryo;
  }

  /** {@code Collections.unmodifiable*} views have no usable constructor; send their contents. */
  private static int registerUnmodifiable(Kryo kryo, int id) {
    kryo.register(Collections.unmodifiableList(new ArrayList<>()).getClass(),
        new CopyingSerializer<>(ArrayList::new, Collections::unmodifiableList), id++);
    kryo.register(Collections.unmodifiableList(new LinkedList<>()).getClass(),
        new CopyingSerializer<>(ArrayList::new, Collections::unmodifiableList), id++);
    kryo.register(Collections.unmodifiableCollection(new ArrayList<>()).getClass(),
        new CopyingSerializer<>(ArrayList::new, Collections::unmodifiableCollection), id++);
    kryo.register(Collections.unmodifiableSet(new HashSet<>()).getClass(),
        new CopyingSerializer<>(LinkedHashSet::new, Collections::unmodifiableSet), id++);
    kryo.register(Collections.unmodifiableMap(new HashMap<>()).getClass(), new UnmodifiableMapSerializer(), id++);
    return id;
  }

  @Override
  public String name() {
    return "kryo";
  }

  @Override
  public byte[] encodeArguments(WorkDefinition<?, ?> work, Record arguments) {
    return encode(arguments, true, "the arguments of " + work.name());
  }

  @Override
  public Record decodeArguments(WorkDefinition<?, ?> work, byte[] bytes) {
    Kryo kryo = pool.obtain();
    try (Input input = new Input(bytes)) {
      Record arguments = kryo.readObject(input, work.argumentsType());
      if (input.position() != bytes.length) {
        throw new CodecException("cannot decode the arguments of " + work.name() + ": " + (bytes.length - input.position())
            + " bytes follow the encoded arguments", null);
      }
      return arguments;
    } catch (KryoException | IllegalArgumentException e) {
      throw new CodecException("cannot decode the arguments of " + work.name() + ": " + explain(e), e);
    } finally {
      pool.free(kryo);
    }
  }

  @Override
  public byte[] encodeResult(WorkDefinition<?, ?> work, Object result) {
    return encode(result, false, "the result of " + work.name());
  }

  @Override
  public Object decodeResult(WorkDefinition<?, ?> work, byte[] bytes) {
    Kryo kryo = pool.obtain();
    try (Input input = new Input(bytes)) {
      return kryo.readClassAndObject(input);
    } catch (KryoException | IllegalArgumentException e) {
      throw new CodecException("cannot decode the result of " + work.name() + ": " + explain(e), e);
    } finally {
      pool.free(kryo);
    }
  }

  private byte[] encode(Object value, boolean knownClass, String what) {
    Kryo kryo = pool.obtain();
    try (Output output = new Output(256, -1)) {
      if (knownClass) {
        kryo.writeObject(output, value);
      } else {
        kryo.writeClassAndObject(output, value);
      }
      return output.toBytes();
    } catch (KryoException | IllegalArgumentException e) {
      throw new CodecException("cannot encode " + what + ": " + explain(e), e);
    } finally {
      pool.free(kryo);
    }
  }

  /** Turns Kryo's registration hint, which suggests editing Kryo setup, into advice for users. */
  static String explain(Exception e) {
    String message = String.valueOf(e.getMessage());
    Matcher m = UNREGISTERED.matcher(message);
    if (m.find()) {
      return "it holds a " + m.group(1) + ", a type the work method's signature does not declare, so it "
          + "may not travel; declare that type (or a type whose fields reach it) in the parameter or "
          + "return types, or use a JDK collection or value type";
    }
    return message.lines().findFirst().orElse(message);
  }

  /** Writes a collection's elements; reads them into a fresh collection and wraps it. */
  private static final class CopyingSerializer<C extends Collection<Object>> extends Serializer<Collection<Object>> {
    private final Function<Integer, C> factory;
    private final Function<C, Collection<Object>> wrapper;

    CopyingSerializer(Function<Integer, C> factory, Function<C, ? extends Collection<Object>> wrapper) {
      this.factory = factory;
      @SuppressWarnings("unchecked")
      Function<C, Collection<Object>> w = (Function<C, Collection<Object>>) wrapper;
      this.wrapper = w;
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, Collection<Object> collection) {
      output.writeVarInt(collection.size(), true);
      for (Object element : collection) {
        kryo.writeClassAndObject(output, element);
      }
    }

    @Override
    public Collection<Object> read(Kryo kryo, Input input, Class<? extends Collection<Object>> type) {
      int size = input.readVarInt(true);
      C copy = factory.apply(size);
      for (int i = 0; i < size; i++) {
        copy.add(kryo.readClassAndObject(input));
      }
      return wrapper.apply(copy);
    }
  }

  private static final class UnmodifiableMapSerializer extends Serializer<Map<Object, Object>> {
    UnmodifiableMapSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, Map<Object, Object> map) {
      output.writeVarInt(map.size(), true);
      for (Map.Entry<Object, Object> e : map.entrySet()) {
        kryo.writeClassAndObject(output, e.getKey());
        kryo.writeClassAndObject(output, e.getValue());
      }
    }

    @Override
    public Map<Object, Object> read(Kryo kryo, Input input, Class<? extends Map<Object, Object>> type) {
      int size = input.readVarInt(true);
      Map<Object, Object> copy = new LinkedHashMap<>();
      for (int i = 0; i < size; i++) {
        copy.put(kryo.readClassAndObject(input), kryo.readClassAndObject(input));
      }
      return Collections.unmodifiableMap(copy);
    }
  }

  /**
   * A {@link MapResult} an all-to-one step takes: its entries in key order, each a value or the
   * failure's fields ({@link FailureWire}), as JSON writes them.
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private static final class MapResultSerializer extends Serializer<MapResult> {
    MapResultSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, MapResult map) {
      output.writeVarInt(map.size(), true);
      for (Object o : map.entrySet()) {
        Map.Entry<Object, Outcome<Object>> e = (Map.Entry<Object, Outcome<Object>>) o;
        kryo.writeClassAndObject(output, e.getKey());
        Outcome<Object> outcome = e.getValue();
        output.writeBoolean(outcome.succeeded());
        if (outcome.succeeded()) {
          kryo.writeClassAndObject(output, outcome.value());
        } else {
          FailureWire f = FailureWire.of(outcome.failure().orElseThrow());
          for (String field : new String[] {f.work(), f.kind(), f.remoteClass(), f.remoteMessage(),
              f.remoteStackTrace(), f.logLocation(), f.backendDetail()}) {
            output.writeString(field);
          }
          output.writeVarInt(f.attempt(), true);
          output.writeVarInt(f.maxAttempts(), true);
        }
      }
    }

    @Override
    public MapResult read(Kryo kryo, Input input, Class<? extends MapResult> type) {
      int size = input.readVarInt(true);
      Map<Object, Outcome<Object>> outcomes = new LinkedHashMap<>();
      for (int i = 0; i < size; i++) {
        Object key = kryo.readClassAndObject(input);
        if (input.readBoolean()) {
          outcomes.put(key, new Outcome.Success<>(kryo.readClassAndObject(input)));
        } else {
          String work = input.readString();
          String kind = input.readString();
          String remoteClass = input.readString();
          String remoteMessage = input.readString();
          String stack = input.readString();
          String log = input.readString();
          String detail = input.readString();
          int attempt = input.readVarInt(true);
          int maxAttempts = input.readVarInt(true);
          outcomes.put(key, new Outcome.Failure<>(new FailureWire(work, kind, remoteClass, remoteMessage, stack,
              attempt, maxAttempts, log, detail).exception()));
        }
      }
      return new MapResult<>(outcomes);
    }
  }
}
