package org.taskwire.internal.journal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.taskwire.ConfigurationException;

/**
 * A call's stable identity: the SHA-256 of its workflow, work, the work's code version, codec and
 * canonically written arguments. Canonical means the same arguments give the same key however they
 * were built: map entries and set elements are written sorted, records by component, other
 * objects by field; a float is written by its bits. Identical calls made twice in a run are told
 * apart by an occurrence number after the hash.
 */
public final class CallKeys {
  /** How a work's code enters its calls' keys ({@code taskwire.code-version}). */
  public static final String POLICY_NONE = "none";
  public static final String POLICY_CLASS = "class";

  private CallKeys() {}

  /** The key of a call, without its occurrence number. */
  public static String key(String workflowClass, String workId, String codeVersion, String codec, Record arguments) {
    StringBuilder text = new StringBuilder();
    text.append(workflowClass).append('\n').append(workId).append('\n').append(codeVersion).append('\n')
        .append(codec).append('\n');
    canonical(arguments, text, 0);
    return sha256(text.toString()).substring(0, 40);
  }

  /** The key with its occurrence: {@code <hash>/<n>}, n from 0 for the first identical call. */
  public static String withOccurrence(String key, int occurrence) {
    return key + "/" + occurrence;
  }

  /**
   * The code version of a workflow's works under a policy: {@code none} is empty, so that changed
   * code keeps its keys; {@code class} is the hash of the workflow class's bytes as loaded.
   */
  public static String codeVersion(String policy, String workflowClass, ClassLoader loader) {
    if (POLICY_NONE.equals(policy)) {
      return "";
    }
    String resource = workflowClass.replace('.', '/') + ".class";
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new ConfigurationException("cannot read the class file of " + workflowClass + " (" + resource
            + ") to tell its code version; set taskwire.code-version=none");
      }
      return sha256(in.readAllBytes()).substring(0, 16);
    } catch (IOException e) {
      throw new ConfigurationException("cannot read " + resource + ": " + e.getMessage(), e);
    }
  }

  private static void canonical(Object v, StringBuilder out, int depth) {
    if (depth > 200) {
      throw new IllegalArgumentException("arguments nested over 200 deep, or cyclic: they have no key");
    }
    if (v == null) {
      out.append('n');
    } else if (v instanceof String s) {
      out.append('s').append(s.length()).append(':').append(s);
    } else if (v instanceof Integer) {
      out.append('i').append(v).append(';');
    } else if (v instanceof Long) {
      out.append('L').append(v).append(';');
    } else if (v instanceof Short) {
      out.append('h').append(v).append(';');
    } else if (v instanceof Byte) {
      out.append('y').append(v).append(';');
    } else if (v instanceof java.math.BigInteger) {
      out.append('I').append(v).append(';');
    } else if (v instanceof Double d) {
      out.append('d').append(Long.toHexString(Double.doubleToLongBits(d))).append(';');
    } else if (v instanceof Float f) {
      out.append('f').append(Integer.toHexString(Float.floatToIntBits(f))).append(';');
    } else if (v instanceof java.math.BigDecimal b) {
      out.append('D').append(b.toString()).append(';');
    } else if (v instanceof Boolean b) {
      out.append(b ? "T" : "F");
    } else if (v instanceof Character c) {
      out.append('c').append((int) c).append(';');
    } else if (v instanceof Enum<?> e) {
      out.append('e').append(e.getDeclaringClass().getName()).append('.').append(e.name()).append(';');
    } else if (v instanceof Record r) {
      out.append('r').append(r.getClass().getName()).append('{');
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        out.append(c.getName()).append('=');
        canonical(read(c, r), out, depth + 1);
      }
      out.append('}');
    } else if (v instanceof Map<?, ?> m) {
      List<String[]> entries = new ArrayList<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        StringBuilder k = new StringBuilder();
        canonical(e.getKey(), k, depth + 1);
        StringBuilder val = new StringBuilder();
        canonical(e.getValue(), val, depth + 1);
        entries.add(new String[] {k.toString(), val.toString()});
      }
      entries.sort((a, b) -> a[0].compareTo(b[0]));
      out.append("m{");
      entries.forEach(e -> out.append(e[0]).append('=').append(e[1]));
      out.append('}');
    } else if (v instanceof Set<?> s) {
      out.append("S[");
      sorted(s, depth).forEach(out::append);
      out.append(']');
    } else if (v instanceof Collection<?> c) {
      out.append("l[");
      for (Object e : c) {
        canonical(e, out, depth + 1);
      }
      out.append(']');
    } else if (v.getClass().isArray()) {
      out.append("a[");
      for (int i = 0; i < Array.getLength(v); i++) {
        canonical(Array.get(v, i), out, depth + 1);
      }
      out.append(']');
    } else if (v instanceof org.taskwire.WorkFailedException w) {
      // A failure an all-to-one step sees in its MapResult: what failed and how, not where or when.
      out.append("x{");
      canonical(w.workName(), out, depth + 1);
      canonical(w.kind().name(), out, depth + 1);
      canonical(w.remoteClass(), out, depth + 1);
      canonical(w.remoteMessage(), out, depth + 1);
      out.append('}');
    } else if (v.getClass().getName().startsWith("java.")) {
      // JDK value types (UUID, Instant, Duration, LocalDate, Path, URI, ...): their text is their value.
      out.append('t').append(v.getClass().getName()).append(':').append(v).append(';');
    } else {
      out.append('o').append(v.getClass().getName()).append('{');
      for (Class<?> k = v.getClass(); k != null && k != Object.class; k = k.getSuperclass()) {
        for (Field f : k.getDeclaredFields()) {
          if (!Modifier.isStatic(f.getModifiers()) && !Modifier.isTransient(f.getModifiers())) {
            out.append(f.getName()).append('=');
            canonical(read(f, v), out, depth + 1);
          }
        }
      }
      out.append('}');
    }
  }

  private static List<String> sorted(Collection<?> values, int depth) {
    List<String> parts = new ArrayList<>();
    for (Object e : values) {
      StringBuilder b = new StringBuilder();
      canonical(e, b, depth + 1);
      parts.add(b.toString());
    }
    parts.sort(null);
    return parts;
  }

  private static Object read(RecordComponent c, Object owner) {
    try {
      var accessor = c.getAccessor();
      accessor.setAccessible(true);
      return accessor.invoke(owner);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read " + c.getName() + " of " + owner.getClass().getName()
          + " to key the call: " + e.getMessage(), e);
    }
  }

  private static Object read(Field f, Object owner) {
    try {
      f.setAccessible(true);
      return f.get(owner);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read " + f.getName() + " of " + owner.getClass().getName()
          + " to key the call: " + e.getMessage(), e);
    }
  }

  static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
