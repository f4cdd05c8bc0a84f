package org.taskwire.internal.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.ConfigurationException;
import org.taskwire.spi.JobOptions;
import org.taskwire.spi.WorkDefinition;
import org.taskwire.spi.WorkflowDefinition;

/**
 * Taskwire's configuration for one run, merged from its layers, lowest first: annotations (see
 * {@link #jobOptions}), {@code taskwire.properties} on the class path,
 * {@code ~/.taskwire/config.properties}, {@code TASKWIRE_*} environment variables, system
 * properties, and values set in code. Unknown keys and malformed values fail at load with a
 * message naming the key, the value and the layer it came from.
 */
public final class TaskwireConfig {
  private static final Logger LOG = LoggerFactory.getLogger(TaskwireConfig.class);
  private static final String PREFIX = "taskwire.";
  private static final String WORK_PREFIX = "taskwire.work.";

  /** A value and the layer it came from. */
  public record Value(String value, String source) {}

  /** Where the layers are read from; {@link #system()} in production, fixed values in tests. */
  public record Sources(ClassLoader classLoader, Path homeDirectory, Map<String, String> environment, Properties systemProperties) {
    public static Sources system() {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      return new Sources(loader != null ? loader : TaskwireConfig.class.getClassLoader(),
          Path.of(System.getProperty("user.home")), System.getenv(), System.getProperties());
    }
  }

  private final Map<String, Value> values;

  private TaskwireConfig(Map<String, Value> values) {
    this.values = values;
  }

  /**
   * Loads and checks the configuration for a workflow.
   *
   * @param code values set in code, the highest layer
   * @param backendKeys the keys the backends on the class path declare; one named as a key of
   *     {@link ConfigKey#ALL} replaces it (the backend choice)
   */
  public static TaskwireConfig load(Sources sources, WorkflowDefinition workflow, Map<String, String> code,
      List<ConfigKey<?>> backendKeys) {
    List<ConfigKey<?>> known = knownKeys(workflow, backendKeys);
    Map<String, Value> merged = new TreeMap<>();
    readClasspathFile(sources.classLoader(), merged, known, workflow);
    Path home = sources.homeDirectory().resolve(".taskwire").resolve("config.properties");
    if (Files.isRegularFile(home)) {
      Properties p = new Properties();
      try (Reader in = Files.newBufferedReader(home, StandardCharsets.UTF_8)) {
        p.load(in);
      } catch (IOException | IllegalArgumentException e) {
        throw new ConfigurationException("cannot read " + home + ": " + e.getMessage(), e);
      }
      putAll(merged, p, home.toString(), known, workflow);
    }
    readEnvironment(sources.environment(), merged, known);
    putAll(merged, sources.systemProperties(), "system property", known, workflow);
    Properties fromCode = new Properties();
    fromCode.putAll(code);
    putAll(merged, fromCode, "code", known, workflow);
    for (ConfigKey<?> key : known) {
      Value v = merged.get(key.name());
      if (v != null) {
        String problem = key.check(v.value());
        if (problem != null) {
          throw new ConfigurationException(
              key.name() + " = '" + v.value() + "' (from " + v.source() + "): " + problem);
        }
      }
    }
    return new TaskwireConfig(merged);
  }

  private static List<ConfigKey<?>> knownKeys(WorkflowDefinition workflow, List<ConfigKey<?>> backendKeys) {
    Map<String, ConfigKey<?>> byName = new LinkedHashMap<>();
    ConfigKey.ALL.forEach(k -> byName.put(k.name(), k));
    backendKeys.forEach(k -> byName.put(k.name(), k));
    List<ConfigKey<?>> known = new ArrayList<>(byName.values());
    ConfigKey<?> backend = byName.get(ConfigKey.BACKEND.name());
    for (WorkDefinition<?, ?> work : workflow.works()) {
      for (JobOptionKey<?> option : ConfigKey.JOB_OPTIONS) {
        known.add(option.key().forWork(work.name()));
      }
      // A work may run on a backend of its own within the run.
      known.add(backend.forWork(work.name()));
    }
    return known;
  }

  private static void readClasspathFile(
      ClassLoader loader, Map<String, Value> merged, List<ConfigKey<?>> known, WorkflowDefinition workflow) {
    URL url = loader.getResource("taskwire.properties");
    if (url == null) {
      return;
    }
    Properties p = new Properties();
    try (InputStream in = url.openStream()) {
      p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigurationException("cannot read " + url + ": " + e.getMessage(), e);
    }
    putAll(merged, p, url.toString(), known, workflow);
  }

  private static void readEnvironment(Map<String, String> env, Map<String, Value> merged, List<ConfigKey<?>> known) {
    Map<String, String> byEnvName = new LinkedHashMap<>();
    for (ConfigKey<?> key : known) {
      byEnvName.put(ConfigKey.environmentName(key.name()), key.name());
    }
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      if (!e.getKey().startsWith("TASKWIRE_")) {
        continue;
      }
      String key = byEnvName.get(e.getKey());
      if (key == null) {
        LOG.warn("ignoring environment variable {}: it names no Taskwire configuration key", e.getKey());
      } else {
        merged.put(key, new Value(e.getValue(), "environment variable " + e.getKey()));
      }
    }
  }

  private static void putAll(
      Map<String, Value> merged, Properties p, String source, List<ConfigKey<?>> known, WorkflowDefinition workflow) {
    for (String name : new TreeMap<>(toMap(p)).keySet()) {
      if (!name.startsWith(PREFIX)) {
        continue;
      }
      if (known.stream().noneMatch(k -> k.name().equals(name))) {
        throw new ConfigurationException(unknownKeyMessage(name, source, known, workflow));
      }
      merged.put(name, new Value(p.getProperty(name), source));
    }
  }

  private static Map<String, String> toMap(Properties p) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String name : p.stringPropertyNames()) {
      m.put(name, p.getProperty(name));
    }
    return m;
  }

  private static String unknownKeyMessage(String name, String source, List<ConfigKey<?>> known, WorkflowDefinition wf) {
    StringBuilder b = new StringBuilder("unknown configuration key " + name + " (from " + source + ")");
    if (name.startsWith(WORK_PREFIX)) {
      List<String> works = wf.works().stream().map(WorkDefinition::name).toList();
      List<String> options = new ArrayList<>(ConfigKey.JOB_OPTIONS.stream().map(o -> o.key().option()).toList());
      options.add("backend");
      b.append(": per-work keys are taskwire.work.<work>.<option>, with <work> one of ").append(works)
          .append(" and <option> one of ").append(options);
      return b.toString();
    }
    known.stream()
        .map(ConfigKey::name)
        .filter(k -> !k.startsWith(WORK_PREFIX))
        .min(Comparator.comparingInt(k -> distance(k, name)))
        .filter(k -> distance(k, name) <= 4)
        .ifPresent(k -> b.append("; did you mean ").append(k).append('?'));
    return b.toString();
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev; prev = cur; cur = t;
    }
    return prev[b.length()];
  }

  /** The values set in any layer, without those that are secrets (passwords, tokens): for the run's journal. */
  public Map<String, String> withoutSecrets() {
    Map<String, String> shown = new TreeMap<>();
    values.forEach((key, v) -> {
      String k = key.toLowerCase(java.util.Locale.ROOT);
      if (!k.contains("password") && !k.contains("token") && !k.contains("secret")) {
        shown.put(key, v.value());
      }
    });
    return shown;
  }

  /** This configuration with one more value on top, set by Taskwire itself ({@code source} says why). */
  public TaskwireConfig with(String key, String value, String source) {
    Map<String, Value> copy = new LinkedHashMap<>(values);
    copy.put(key, new Value(value, source));
    return new TaskwireConfig(copy);
  }

  /**
   * The backends works were given for themselves ({@code taskwire.work.<work>.backend}), by work
   * name, in name order.
   */
  public Map<String, String> workBackends() {
    String suffix = ConfigKey.BACKEND.name().substring(PREFIX.length() - 1);
    Map<String, String> byWork = new TreeMap<>();
    values.forEach((key, v) -> {
      if (key.startsWith(WORK_PREFIX) && key.endsWith(suffix) && key.length() > WORK_PREFIX.length() + suffix.length()) {
        byWork.put(key.substring(WORK_PREFIX.length(), key.length() - suffix.length()), v.value().strip());
      }
    });
    return byWork;
  }

  /** The value of a key and where it came from, if set in any layer. */
  public Optional<Value> value(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /** A path key's value, trimmed, with a leading {@code ~/} standing for the user's home. */
  public Path path(ConfigKey<String> key) {
    String dir = get(key).trim();
    return dir.startsWith("~/") ? Path.of(System.getProperty("user.home"), dir.substring(2)) : Path.of(dir);
  }

  /** A key's value from the highest layer that sets it (checked at load), else the key's default. */
  public <T> T get(ConfigKey<T> key) {
    return value(key.name()).map(v -> key.read(v.value())).orElseGet(key::fallback);
  }

  /**
   * The options a work runs with: configuration for this work ({@code taskwire.work.<name>.*}),
   * then configuration for all works ({@code taskwire.*}), then {@code @Work}, then
   * {@code @Workflow}, then the built-in defaults.
   */
  public JobOptions jobOptions(WorkflowDefinition workflow, WorkDefinition<?, ?> work) {
    JobOptions annotated = work.options().inheritFrom(workflow.options()).inheritFrom(JobOptions.BUILT_IN);
    JobOptions.Builder b = JobOptions.builder();
    for (JobOptionKey<?> option : ConfigKey.JOB_OPTIONS) {
      Value v = value(option.key().forWork(work.name()).name()).orElseGet(() -> values.get(option.key().name()));
      if (v != null) {
        option.applyText(b, v.value());
      }
    }
    return b.build().inheritFrom(annotated);
  }
}
