package org.taskwire.internal.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * How a run's files and datasets are named in Rucio, and where a deterministic storage element
 * keeps them. Workers and the client compute the same names from the same facts, so a worker needs
 * no Rucio credentials to write a file where Rucio will look for it.
 */
public final class RucioNames {
  /** What Rucio takes as a DID name (its default schema's {@code NAME}, 250 characters at most). */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.\\-_]{0,249}");
  /** What Rucio takes as a scope. */
  private static final Pattern SCOPE = Pattern.compile("[a-zA-Z_\\-.0-9]{1,25}");
  /** The default dataset template: one dataset per run and work. */
  public static final String DEFAULT_DATASET = "{run}.{work}";

  private RucioNames() {}

  /**
   * A file's logical name: {@code <run>.<work>._<call, 6 digits>.<attempt>.<file>}, prun's
   * {@code <dataset>._<serial>.<file>} with the attempt in it, so that no retry, resumed run or
   * other call can register a different file under the same name.
   *
   * @throws DataFileException when the result is no valid Rucio name, naming the file and why
   */
  public static String lfn(String runId, String workName, long callId, int attempt, String file) {
    String lfn = runId + "." + workName + "._" + String.format("%06d", callId) + "." + attempt + "." + file;
    if (!NAME.matcher(lfn).matches()) {
      throw new DataFileException("data file '" + file + "' cannot be registered in Rucio as " + lfn + ": Rucio names are "
          + "at most 250 letters, digits, '.', '-' and '_'; rename the file the work creates");
    }
    return lfn;
  }

  /** A dataset's name from its template: {@code {run}} and {@code {work}} are replaced. */
  public static String dataset(String template, String runId, String workName) {
    String name = template.replace("{run}", runId).replace("{work}", workName);
    checkName("taskwire.rucio.dataset", name);
    return name;
  }

  /**
   * A dataset's name from a work's own template ({@code @Work(dataset)}): {@code {run}},
   * {@code {work}} and each {@code {<parameter>}} replaced, the last by the call's argument as
   * {@link #nameOf} writes it.
   *
   * @throws IllegalArgumentException when the result is no valid Rucio name
   */
  public static String dataset(String template, String runId, String workName, Record arguments) {
    StringBuilder name = new StringBuilder();
    java.util.regex.Matcher m = PLACEHOLDER.matcher(template);
    while (m.find()) {
      String key = m.group(1);
      String value;
      if (key.equals("run")) {
        value = runId;
      } else if (key.equals("work")) {
        value = workName;
      } else {
        value = nameOf(component(arguments, key));
      }
      m.appendReplacement(name, java.util.regex.Matcher.quoteReplacement(value));
    }
    m.appendTail(name);
    checkName("the dataset of " + workName, name.toString());
    return name.toString();
  }

  /** The arguments a template's {@code {<parameter>}} placeholders name, in the template's order. */
  public static java.util.List<Object> parameterValues(String template, Record arguments) {
    java.util.List<Object> values = new java.util.ArrayList<>();
    java.util.regex.Matcher m = PLACEHOLDER.matcher(template);
    while (m.find()) {
      if (!m.group(1).equals("run") && !m.group(1).equals("work")) {
        values.add(component(arguments, m.group(1)));
      }
    }
    return values;
  }

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_$][A-Za-z0-9_$]*)\\}");

  private static Object component(Record arguments, String name) {
    for (java.lang.reflect.RecordComponent c : arguments.getClass().getRecordComponents()) {
      if (c.getName().equals(name)) {
        try {
          java.lang.reflect.Method accessor = c.getAccessor();
          accessor.setAccessible(true);
          return accessor.invoke(arguments);
        } catch (ReflectiveOperationException | RuntimeException e) {
          throw new IllegalStateException("cannot read parameter " + name + " of " + arguments.getClass().getName(), e);
        }
      }
    }
    throw new IllegalArgumentException("the dataset template names {" + name + "}, which is no parameter of "
        + arguments.getClass().getSimpleName() + "; was the workflow compiled by another Taskwire?");
  }

  /**
   * A value as part of a Rucio name: a record as {@code <component>-<value>} joined by {@code _},
   * an enum by its name, anything else by {@code toString()}; {@code +} becomes {@code plus} (the
   * AID2E scheduler's spelling) and any other character Rucio refuses {@code _}.
   */
  static String nameOf(Object value) {
    String text;
    if (value instanceof Record r) {
      StringBuilder b = new StringBuilder();
      for (java.lang.reflect.RecordComponent c : r.getClass().getRecordComponents()) {
        if (b.length() > 0) {
          b.append('_');
        }
        b.append(c.getName()).append('-').append(nameOf(component(r, c.getName())));
      }
      return b.toString();
    } else if (value instanceof Enum<?> e) {
      text = e.name();
    } else {
      text = String.valueOf(value);
    }
    StringBuilder b = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      if (c == '+') {
        b.append("plus");
      } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-'
          || c == '_') {
        b.append(c);
      } else {
        b.append('_');
      }
    }
    return b.toString();
  }

  /** @throws IllegalArgumentException when the name is no valid Rucio name */
  public static void checkName(String what, String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(what + " = '" + name + "' is no Rucio name: at most 250 letters, digits, '.', "
          + "'-' and '_', starting with a letter or digit");
    }
  }

  /** @throws IllegalArgumentException when the scope is no valid Rucio scope */
  public static void checkScope(String scope) {
    if (!SCOPE.matcher(scope).matches()) {
      throw new IllegalArgumentException("taskwire.rucio.scope = '" + scope + "' is no Rucio scope: at most 25 letters, "
          + "digits, '.', '-' and '_'");
    }
  }

  /**
   * Where a deterministic storage element keeps a file, below its prefix: Rucio's default
   * {@code hash} algorithm, {@code <scope>/<md5[0:2]>/<md5[2:4]>/<name>} with the md5 of
   * {@code scope:name}, and user and group scopes split at their dots.
   */
  public static String hashPath(String scope, String name) {
    String h;
    try {
      h = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest((scope + ":" + name).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no MD5", e);
    }
    String s = scope.startsWith("user") || scope.startsWith("group") ? scope.replace('.', '/') : scope;
    return s + "/" + h.substring(0, 2) + "/" + h.substring(2, 4) + "/" + name;
  }
}
