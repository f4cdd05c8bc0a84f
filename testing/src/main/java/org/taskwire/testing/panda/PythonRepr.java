package org.taskwire.testing.panda;

import java.util.List;
import java.util.Map;

/** Python's {@code str()} of a dict: what the server answers when the request did not ask for JSON. */
final class PythonRepr {
  private PythonRepr() {}

  static String of(Object v) {
    if (v == null) {
      return "None";
    }
    if (v instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (v instanceof String s) {
      return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
    if (v instanceof Map<?, ?> m) {
      StringBuilder b = new StringBuilder("{");
      m.forEach((k, x) -> b.append(b.length() > 1 ? ", " : "").append(of(k)).append(": ").append(of(x)));
      return b.append('}').toString();
    }
    if (v instanceof List<?> l) {
      StringBuilder b = new StringBuilder("[");
      l.forEach(x -> b.append(b.length() > 1 ? ", " : "").append(of(x)));
      return b.append(']').toString();
    }
    return String.valueOf(v);
  }
}
