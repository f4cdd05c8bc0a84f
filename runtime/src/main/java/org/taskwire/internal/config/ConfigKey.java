package org.taskwire.internal.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.taskwire.annotations.Codec;
import org.taskwire.annotations.Walltime;
import org.taskwire.spi.JobOptions;

/**
 * A known configuration key: its name, how its text is checked and read into a {@code T}, its
 * default (stated once, here), and its documentation. Every key {@code taskwire.a.b-c} also has
 * the environment form {@code TASKWIRE_A_B_C}. Read a value with {@link TaskwireConfig#get}.
 *
 * @param <T> what the value is read as
 */
public final class ConfigKey<T> {

  /** How a value is checked. */
  public enum Type { STRING, POSITIVE_INT, DURATION, CHOICE }

  private final String name;
  private final Type type;
  private final String documentedDefault;
  private final String description;
  private final List<String> choices;
  private final Function<String, T> read;
  private final Supplier<T> fallback;

  private ConfigKey(String name, Type type, String documentedDefault, String description, List<String> choices,
      Function<String, T> read, Supplier<T> fallback) {
    this.name = name;
    this.type = type;
    this.documentedDefault = documentedDefault;
    this.description = description;
    this.choices = List.copyOf(choices);
    this.read = read;
    this.fallback = fallback;
  }

  /** A text key whose default is {@code defaultValue} itself ({@code ""} for none). */
  static ConfigKey<String> text(String name, String defaultValue, String description) {
    return new ConfigKey<>(name, Type.STRING, defaultValue, description, List.of(), v -> v, () -> defaultValue);
  }

  /** A text key whose default is worked out when read; {@code documented} says how. Unset reads as {@code ""}. */
  static ConfigKey<String> text(String name, String documented, Supplier<String> fallback, String description) {
    return new ConfigKey<>(name, Type.STRING, documented, description, List.of(), v -> v, fallback);
  }

  static ConfigKey<Integer> positiveInt(String name, int defaultValue, String description) {
    return new ConfigKey<>(name, Type.POSITIVE_INT, Integer.toString(defaultValue), description, List.of(),
        v -> Integer.parseInt(v.trim()), () -> defaultValue);
  }

  static ConfigKey<Integer> positiveInt(String name, String documented, Supplier<Integer> fallback, String description) {
    return new ConfigKey<>(name, Type.POSITIVE_INT, documented, description, List.of(), v -> Integer.parseInt(v.trim()),
        fallback);
  }

  static ConfigKey<Duration> duration(String name, String defaultValue, String description) {
    Duration parsed = Walltime.parse(defaultValue);
    return new ConfigKey<>(name, Type.DURATION, defaultValue, description, List.of(), Walltime::parse, () -> parsed);
  }

  /** A choice, read in lower case, defaulting to {@code defaultValue}. */
  static ConfigKey<String> choice(String name, String defaultValue, String description, String... choices) {
    return new ConfigKey<>(name, Type.CHOICE, defaultValue, description, List.of(choices),
        v -> v.trim().toLowerCase(Locale.ROOT), () -> defaultValue);
  }

  public String name() {
    return name;
  }

  public Type type() {
    return type;
  }

  /** The default as documented: a value, or how it is worked out (e.g. "number of cores"). */
  public String defaultValue() {
    return documentedDefault;
  }

  public String description() {
    return description;
  }

  public List<String> choices() {
    return choices;
  }

  /** Reads a value that passed {@link #check}. */
  T read(String text) {
    return read.apply(text);
  }

  /** The value when no layer sets the key. */
  T fallback() {
    return fallback.get();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfigKey<?> k && k.name.equals(name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name);
  }

  @Override
  public String toString() {
    return name;
  }

  private static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  public static final ConfigKey<String> BACKEND = choice("taskwire.backend", "local",
      "Which backend runs the calls.", "local", "inprocess", "panda");
  public static final ConfigKey<Integer> INPROCESS_THREADS = positiveInt("taskwire.inprocess.threads",
      "number of cores", ConfigKey::cores, "Threads of the in-process backend.");
  public static final ConfigKey<Integer> LOCAL_WORKERS = positiveInt("taskwire.local.workers",
      "number of cores", ConfigKey::cores, "Worker JVMs of the local backend.");
  public static final ConfigKey<String> LOCAL_JVM_OPTIONS = text("taskwire.local.jvm-options", "-XX:+UseSerialGC",
      "Options of the local worker JVMs, space-separated; -Xmx defaults to the largest memoryMb.");
  public static final ConfigKey<String> LOCAL_JAVA = text("taskwire.local.java", "this JVM's java",
      () -> java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "The java executable of the local worker JVMs.");
  public static final ConfigKey<String> LOCAL_CLASSPATH = text("taskwire.local.classpath",
      "where the workflow class was loaded from", () -> "", "The class path shipped to local workers.");
  public static final ConfigKey<String> LOCAL_LOG_DIR = text("taskwire.local.log-dir", "a new temporary directory",
      () -> "", "Where the local workers' logs go.");
  public static final ConfigKey<String> LOCAL_SANDBOX = choice("taskwire.local.sandbox", "false",
      "Start local workers from the run's sandbox, as grid jobs do, instead of this JVM's class path.",
      "true", "false");
  public static final ConfigKey<Integer> LOCAL_BATCH = positiveInt("taskwire.local.batch", 32,
      "The most calls a local worker is sent at once while calls are short (under 5 ms each); their results then "
          + "share one broker round trip. 1 sends one call at a time.");
  public static final ConfigKey<String> SANDBOX_CACHE_DIR = text("taskwire.sandbox.cache-dir",
      "~/.taskwire/sandboxes", () -> "", "Where built sandboxes and remembered file hashes are kept.");
  public static final ConfigKey<String> SANDBOX_EXCLUDES = text("taskwire.sandbox.excludes", "",
      "More glob excludes for the sandbox, comma-separated, added to @Workflow(excludes).");
  public static final ConfigKey<String> PROGRESS = choice("taskwire.progress", "auto",
      "How fan-outs show progress: a bar on a terminal, a periodic line otherwise.", "auto", "bar", "line", "off");
  public static final ConfigKey<Duration> PROGRESS_INTERVAL = duration("taskwire.progress.interval", "10s",
      "How often the progress line is printed when there is no terminal.");

  public static final ConfigKey<String> BROKER_URL = text("taskwire.broker.url", "an embedded broker", () -> "",
      "STOMP brokers for results, comma-separated: stomp://host:port or stomp+ssl://host:port.");
  public static final ConfigKey<String> BROKER_USER = text("taskwire.broker.user", "", "STOMP login.");
  public static final ConfigKey<String> BROKER_PASSWORD = text("taskwire.broker.password", "", "STOMP passcode.");
  public static final ConfigKey<String> BROKER_DESTINATION = text("taskwire.broker.destination",
      "/topic/taskwire.results", "The topic results are published to.");
  public static final ConfigKey<String> RELAY_URL = text("taskwire.relay.url", "a relay in this JVM", () -> "",
      "HTTP relay for results when no broker can be reached.");
  public static final ConfigKey<Integer> RESULT_MAX_BYTES = positiveInt("taskwire.result.max-bytes", 4194304,
      "The largest result message; larger results fail with advice.");

  // The PanDA keys' defaults come from PanDA's own client environment, read in PandaSettings.
  public static final ConfigKey<String> PANDA_URL = text("taskwire.panda.url",
      "$PANDA_URL_SSL, else https://pandaserver.cern.ch", () -> "", "The PanDA server; only scheme://host:port is used.");
  public static final ConfigKey<String> PANDA_CACHE_URL = text("taskwire.panda.cache-url",
      "$PANDACACHE_URL, else the server", () -> "", "The PanDA cache server that jobs download sandboxes from.");
  public static final ConfigKey<String> PANDA_AUTH = new ConfigKey<>("taskwire.panda.auth", Type.CHOICE,
      "$PANDA_AUTH, else x509", "How to authenticate to PanDA.", List.of("oidc", "x509", "x509_no_grid", "none"),
      v -> v.trim().toLowerCase(Locale.ROOT), () -> "");
  public static final ConfigKey<String> PANDA_VO = text("taskwire.panda.vo", "$PANDA_AUTH_VO, else wlcg", () -> "",
      "The virtual organisation: the Origin header and the task's vo.");
  public static final ConfigKey<String> PANDA_CONFIG_ROOT = text("taskwire.panda.config-root",
      "$PANDA_CONFIG_ROOT, else ~/.pathena", () -> "", "Where the OIDC token cache (.token) is kept.");
  public static final ConfigKey<String> PANDA_ID_TOKEN = text("taskwire.panda.id-token", "$PANDA_AUTH_ID_TOKEN",
      () -> "", "An OIDC ID token to use as is (prefer the environment or the token file).");
  public static final ConfigKey<String> PANDA_X509_PROXY = text("taskwire.panda.x509-proxy",
      "$X509_USER_PROXY, else /tmp/x509up_u<uid>", () -> "", "The X509 proxy: client certificate and key.");
  public static final ConfigKey<String> PANDA_X509_CERT_DIR = text("taskwire.panda.x509-cert-dir",
      "$X509_CERT_DIR, else /etc/grid-security/certificates", () -> "", "CA certificates trusted for PanDA.");
  public static final ConfigKey<String> PANDA_VERIFY_TLS = choice("taskwire.panda.verify-tls", "true",
      "Check PanDA's server certificate (PanDA's own client does not; Taskwire does).", "true", "false");
  public static final ConfigKey<Duration> PANDA_POLL_INTERVAL = duration("taskwire.panda.poll-interval", "30s",
      "How often the tasks of a run are checked (one bulk request per task).");
  public static final ConfigKey<String> PANDA_JVM_OPTIONS = text("taskwire.panda.jvm-options", "-XX:+UseSerialGC",
      "Options of the jobs' JVMs; -Xmx is derived from memoryMb unless given.");
  public static final ConfigKey<String> PANDA_TRANS_PATH = text("taskwire.panda.trans-path",
      "the server's default (runGen)", () -> "", "The job wrapper script's URL (transPath).");
  public static final ConfigKey<String> PANDA_ARCHITECTURE = text("taskwire.panda.architecture", "",
      "The task's architecture, e.g. @el9.");
  public static final ConfigKey<Duration> PANDA_RESULT_GRACE = duration("taskwire.panda.result-grace", "10s",
      "How long after a job finished its result may travel before it is read from the job's metadata.");

  /**
   * Job options; each also exists per work as {@code taskwire.work.<work name>.<option>}. Their
   * defaults are the annotations' and then {@link org.taskwire.spi.JobOptions#BUILT_IN}'s: these
   * keys only override.
   */
  public static final List<JobOptionKey<?>> JOB_OPTIONS = List.of(
      new JobOptionKey<>(text("taskwire.init-env", "", "Shell setup run before the worker."),
          JobOptions.Builder::initEnv),
      new JobOptionKey<>(text("taskwire.container-image", "", "Container image of the jobs."),
          (b, v) -> b.containerImage(v.trim())),
      new JobOptionKey<>(text("taskwire.queue", "", "PanDA queue."), (b, v) -> b.queue(v.trim())),
      new JobOptionKey<>(text("taskwire.site", "", "PanDA site."), (b, v) -> b.site(v.trim())),
      new JobOptionKey<>(text("taskwire.cloud", "", "PanDA cloud."), (b, v) -> b.cloud(v.trim())),
      new JobOptionKey<>(positiveInt("taskwire.cores", 1, "Cores per job."), JobOptions.Builder::cores),
      new JobOptionKey<>(positiveInt("taskwire.memory-mb", 2000, "Memory per job in MB."),
          JobOptions.Builder::memoryMb),
      new JobOptionKey<>(duration("taskwire.walltime", "24h", "Wall time per job."), JobOptions.Builder::walltime),
      new JobOptionKey<>(positiveInt("taskwire.max-attempts", 3, "Attempts per call."),
          JobOptions.Builder::maxAttempts),
      new JobOptionKey<>(choice("taskwire.codec", "kryo", "Wire format.", "kryo", "json"),
          (b, v) -> b.codec(codec(v))));

  /** Every fixed key, job options included. */
  public static final List<ConfigKey<?>> ALL;

  static {
    List<ConfigKey<?>> all = new java.util.ArrayList<>(List.of(BACKEND, INPROCESS_THREADS, LOCAL_WORKERS,
        LOCAL_JVM_OPTIONS, LOCAL_JAVA, LOCAL_CLASSPATH, LOCAL_LOG_DIR, LOCAL_SANDBOX, LOCAL_BATCH, SANDBOX_CACHE_DIR,
        SANDBOX_EXCLUDES, PROGRESS, PROGRESS_INTERVAL, BROKER_URL,
        BROKER_USER, BROKER_PASSWORD, BROKER_DESTINATION, RELAY_URL, RESULT_MAX_BYTES,
        PANDA_URL, PANDA_CACHE_URL, PANDA_AUTH, PANDA_VO, PANDA_CONFIG_ROOT, PANDA_ID_TOKEN, PANDA_X509_PROXY,
        PANDA_X509_CERT_DIR, PANDA_VERIFY_TLS, PANDA_POLL_INTERVAL, PANDA_JVM_OPTIONS, PANDA_TRANS_PATH,
        PANDA_ARCHITECTURE, PANDA_RESULT_GRACE));
    JOB_OPTIONS.forEach(o -> all.add(o.key()));
    ALL = List.copyOf(all);
  }

  /** The environment variable of a key: upper case, dots and dashes become underscores. */
  public static String environmentName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The job option key for one work, e.g. {@code taskwire.work.evaluate.cores}. */
  public ConfigKey<T> forWork(String workName) {
    return new ConfigKey<>("taskwire.work." + workName + name.substring("taskwire".length()), type,
        documentedDefault, description, choices, read, fallback);
  }

  /** The option part of a job option key, e.g. {@code cores}. */
  public String option() {
    return name.substring(name.lastIndexOf('.') + 1);
  }

  /**
   * Checks a value of this key.
   *
   * @return null if the value is fine, else what is expected
   */
  String check(String value) {
    switch (type) {
      case POSITIVE_INT:
        try {
          if (Integer.parseInt(value.trim()) > 0) {
            return null;
          }
        } catch (NumberFormatException e) {
          // fall through
        }
        return "expected a positive integer";
      case DURATION:
        try {
          Walltime.parse(value);
          return null;
        } catch (IllegalArgumentException e) {
          return "expected a duration such as 90s, 10m, 1h30m or PT1H30M";
        }
      case CHOICE:
        return choices.contains(value.trim().toLowerCase(Locale.ROOT)) ? null : "expected one of " + choices;
      default:
        return null;
    }
  }

  static Codec codec(String value) {
    return Codec.valueOf(value.trim().toUpperCase(Locale.ROOT));
  }
}
