package org.taskwire.optimize;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A point an optimiser asks to evaluate: its id, unique in its optimiser, and its parameters by
 * name ({@code Double} for real ranges, {@code Long} for integer ranges; a choice's value as its
 * list gives it: a {@code String}, {@code Long}, {@code Double} or {@code Boolean}).
 */
public record Trial(int id, Map<String, Object> parameters) {
  public Trial {
    if (id < 0) {
      throw new IllegalArgumentException("a trial's id cannot be negative, got " + id);
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    parameters.forEach((k, v) -> copy.put(k, normalised(k, v)));
    parameters = java.util.Collections.unmodifiableMap(copy);
  }

  /** A real parameter (an integer one too). */
  public double number(String name) {
    Object v = value(name);
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException("parameter '" + name + "' of trial " + id + " is the choice '" + v
          + "', not a number; use choice(\"" + name + "\")");
    }
    return n.doubleValue();
  }

  /** An integer parameter. */
  public long integer(String name) {
    Object v = value(name);
    if (!(v instanceof Long l)) {
      throw new IllegalArgumentException("parameter '" + name + "' of trial " + id + " is " + v + ", not an integer");
    }
    return l;
  }

  /** A choice of booleans. */
  public boolean flag(String name) {
    Object v = value(name);
    if (!(v instanceof Boolean b)) {
      throw new IllegalArgumentException("parameter '" + name + "' of trial " + id + " is " + v + ", not a boolean");
    }
    return b;
  }

  /** A choice of strings (a choice of numbers reads with {@link #number} or {@link #integer}). */
  public String choice(String name) {
    Object v = value(name);
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException("parameter '" + name + "' of trial " + id + " is the number " + v
          + ", not a choice; use number(\"" + name + "\")");
    }
    return s;
  }

  private Object value(String name) {
    Object v = parameters.get(name);
    if (v == null) {
      throw new IllegalArgumentException("trial " + id + " has no parameter '" + name + "'; it has "
          + parameters.keySet());
    }
    return v;
  }

  /** Integers as {@code Long}s and reals as {@code Double}s, so that a trial read back from JSON equals itself. */
  static Object normalised(String name, Object value) {
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float f) {
      return f.doubleValue();
    }
    if (value instanceof Long || value instanceof Double || value instanceof String || value instanceof Boolean) {
      return value;
    }
    throw new IllegalArgumentException("parameter '" + name + "': a value must be a number, a string or a boolean, got "
        + (value == null ? "null" : value.getClass().getName()));
  }
}
