package org.taskwire.spi;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * A full generic type captured at compile time, e.g. {@code new TypeRef<List<Double>>() {}}, so a
 * codec can decode a result into exactly the declared type.
 *
 * @param <T> the captured type
 */
public abstract class TypeRef<T> {
  private final Type type;

  /** Captures the type argument of the anonymous subclass. */
  protected TypeRef() {
    Type superclass = getClass().getGenericSuperclass();
    if (!(superclass instanceof ParameterizedType)) {
      throw new IllegalStateException("TypeRef must be created as new TypeRef<...>() {}");
    }
    this.type = ((ParameterizedType) superclass).getActualTypeArguments()[0];
  }

  private TypeRef(Type type) {
    this.type = Objects.requireNonNull(type, "type");
  }

  /** A reference to a plain class, for non-generic types. */
  public static <T> TypeRef<T> of(Class<T> type) {
    return new TypeRef<T>(type) {};
  }

  /** The captured type. */
  public Type type() {
    return type;
  }

  /** The raw class of the captured type. */
  @SuppressWarnings("unchecked")
  public Class<T> rawType() {
    Type t = type;
    if (t instanceof ParameterizedType) {
      t = ((ParameterizedType) t).getRawType();
    }
    if (t instanceof Class) {
      return (Class<T>) t;
    }
    return (Class<T>) Object.class;
  }

  @Override
  public String toString() {
    return type.getTypeName();
  }
}
