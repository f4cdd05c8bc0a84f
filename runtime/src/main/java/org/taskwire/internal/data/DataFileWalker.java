package org.taskwire.internal.data;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.taskwire.DataFile;

/**
 * Finds the {@link DataFile}s in an argument record or a result, and rebuilds it with each one
 * replaced: in records, lists, sets, a map's values, arrays and {@code Optional}s, at any depth.
 * What holds no file is returned as it is.
 */
final class DataFileWalker {
  private DataFileWalker() {}

  /** The data files in a value, in the order they are found. */
  static List<DataFile> all(Object value) {
    List<DataFile> out = new ArrayList<>();
    replace(value, f -> {
      out.add(f);
      return f;
    });
    return out;
  }

  /** {@code value} with every data file in it replaced by {@code replace}'s answer. */
  static Object replace(Object value, UnaryOperator<DataFile> replace) {
    if (value == null) {
      return null;
    }
    if (value instanceof DataFile file) {
      return replace.apply(file);
    }
    if (value instanceof Optional<?> optional) {
      if (optional.isEmpty()) {
        return value;
      }
      Object inner = replace(optional.get(), replace);
      return inner == optional.get() ? value : Optional.of(inner);
    }
    if (value instanceof List<?> || value instanceof Set<?>) {
      Collection<?> items = (Collection<?>) value;
      Collection<Object> out = value instanceof List<?> ? new ArrayList<>(items.size()) : new LinkedHashSet<>();
      boolean changed = false;
      for (Object e : items) {
        Object r = replace(e, replace);
        changed |= r != e;
        out.add(r);
      }
      return changed ? out : value;
    }
    if (value instanceof Collection<?>) {
      return value;
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      boolean changed = false;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        Object r = replace(e.getValue(), replace);
        changed |= r != e.getValue();
        out.put(e.getKey(), r);
      }
      return changed ? out : value;
    }
    Class<?> type = value.getClass();
    if (type.isArray() && !type.getComponentType().isPrimitive()) {
      int n = Array.getLength(value);
      Object out = Array.newInstance(type.getComponentType(), n);
      boolean changed = false;
      for (int i = 0; i < n; i++) {
        Object e = Array.get(value, i);
        Object r = replace(e, replace);
        changed |= r != e;
        Array.set(out, i, r);
      }
      return changed ? out : value;
    }
    if (value instanceof Record record) {
      return replaceInRecord(record, replace);
    }
    return value;
  }

  private static Object replaceInRecord(Record record, UnaryOperator<DataFile> replace) {
    RecordComponent[] components = record.getClass().getRecordComponents();
    Object[] values = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    boolean changed = false;
    try {
      for (int i = 0; i < components.length; i++) {
        var accessor = components[i].getAccessor();
        accessor.setAccessible(true);
        Object v = accessor.invoke(record);
        values[i] = replace(v, replace);
        changed |= values[i] != v;
        types[i] = components[i].getType();
      }
      if (!changed) {
        return record;
      }
      Constructor<?> canonical = record.getClass().getDeclaredConstructor(types);
      canonical.setAccessible(true);
      return canonical.newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot rebuild " + record.getClass().getName() + " with its data files: " + e, e);
    }
  }
}
