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
  public enum Type { STRING, POSITIVE_INT, NON_NEGATIVE_INT, DURATION, DURATION_OR_ZERO, CHOICE, SIZE }

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
  public static ConfigKey<String> text(String name, String defaultValue, String description) {
    return new ConfigKey<>(name, Type.STRING, defaultValue, description, List.of(), v -> v, () -> defaultValue);
  }

  /** A text key whose default is worked out when read; {@code documented} says how. Unset reads as {@code ""}. */
  public static ConfigKey<String> text(String name, String documented, Supplier<String> fallback, String description) {
    return new ConfigKey<>(name, Type.STRING, documented, description, List.of(), v -> v, fallback);
  }

  public static ConfigKey<Integer> positiveInt(String name, int defaultValue, String description) {
    return new ConfigKey<>(name, Type.POSITIVE_INT, Integer.toString(defaultValue), description, List.of(),
        v -> Integer.parseInt(v.trim()), () -> defaultValue);
  }

  public static ConfigKey<Integer> positiveInt(String name, String documented, Supplier<Integer> fallback, String description) {
    return new ConfigKey<>(name, Type.POSITIVE_INT, documented, description, List.of(), v -> Integer.parseInt(v.trim()),
        fallback);
  }

  public static ConfigKey<Integer> nonNegativeInt(String name, int defaultValue, String description) {
    return new ConfigKey<>(name, Type.NON_NEGATIVE_INT, Integer.toString(defaultValue), description, List.of(),
        v -> Integer.parseInt(v.trim()), () -> defaultValue);
  }

  /** A duration that may also be {@code 0} (or {@code 0s}): none. */
  public static ConfigKey<Duration> durationOrZero(String name, String defaultValue, String description) {
    Duration parsed = durationOrZero(defaultValue);
    return new ConfigKey<>(name, Type.DURATION_OR_ZERO, defaultValue, description, List.of(), ConfigKey::durationOrZero,
        () -> parsed);
  }

  private static Duration durationOrZero(String text) {
    return text.strip().matches("0+[smhd]?") ? Duration.ZERO : Walltime.parse(text);
  }

  public static ConfigKey<Duration> duration(String name, String defaultValue, String description) {
    Duration parsed = Walltime.parse(defaultValue);
    return new ConfigKey<>(name, Type.DURATION, defaultValue, description, List.of(), Walltime::parse, () -> parsed);
  }

  /**
   * A size in bytes, written as a number with an optional unit ({@code 512M}, {@code 2G},
   * {@code 1048576}; K, M, G, T are powers of 1024); unset, {@code fallback}.
   */
  public static ConfigKey<Long> size(String name, String documented, long fallback, String description) {
    return new ConfigKey<>(name, Type.SIZE, documented, description, List.of(), ConfigKey::bytes, () -> fallback);
  }

  private static final java.util.regex.Pattern SIZE = java.util.regex.Pattern.compile("(?i)\\s*(\\d+)\\s*([KMGT]?)B?\\s*");

  static long bytes(String value) {
    java.util.regex.Matcher m = SIZE.matcher(value);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size: " + value);
    }
    String unit = m.group(2).toUpperCase(Locale.ROOT);
    int shift = unit.isEmpty() ? 0 : "KMGT".indexOf(unit) + 1;
    long n = Long.parseLong(m.group(1));
    if (n == 0 || n > (Long.MAX_VALUE >> (10 * shift))) {
      throw new IllegalArgumentException("not a positive size: " + value);
    }
    return n << (10 * shift);
  }

  /** A choice, read in lower case, defaulting to {@code defaultValue}. */
  public static ConfigKey<String> choice(String name, String defaultValue, String description, String... choices) {
    return new ConfigKey<>(name, Type.CHOICE, defaultValue, description, List.of(choices),
        v -> v.trim().toLowerCase(Locale.ROOT), () -> defaultValue);
  }

  /** A choice whose default is worked out elsewhere; {@code documented} says how. Unset reads as {@code ""}. */
  public static ConfigKey<String> choice(String name, String documented, Supplier<String> fallback, String description,
      String... choices) {
    return new ConfigKey<>(name, Type.CHOICE, documented, description, List.of(choices),
        v -> v.trim().toLowerCase(Locale.ROOT), fallback);
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

  /**
   * Which backend runs the calls. Its choices are the backends on the class path, which also
   * declare their own keys ({@code org.taskwire.internal.backend.Backends#configKeys}).
   */
  public static final ConfigKey<String> BACKEND = text("taskwire.backend", "local", "Which backend runs the calls.");
  /** Read by every backend that ships the workflow's class path, not only the local one. */
  public static final ConfigKey<String> LOCAL_CLASSPATH = text("taskwire.local.classpath",
      "where the workflow class was loaded from", () -> "", "The class path shipped to local workers.");
  public static final ConfigKey<String> RUNS_DIR = text("taskwire.runs-dir", "~/.taskwire/runs",
      "Where each run's directory (its journal, lock and transport keys) is kept.");
  public static final ConfigKey<String> JOURNAL = choice("taskwire.journal", "true",
      "Record each run in a journal, so that it can be resumed and shown by the taskwire command.", "true", "false");
  public static final ConfigKey<String> RESUME = text("taskwire.resume", "",
      "A run to resume: its id, a unique prefix of it, or last.");
  public static final ConfigKey<String> RUN_FILE = text("taskwire.run-file", "",
      "A file that names the run: where it exists, the run it names is resumed; where not, the new run's id is "
          + "written to it (a study directory's own run, safe where others start runs too).");
  public static final ConfigKey<String> CODE_VERSION = choice("taskwire.code-version", "class",
      "What of a work's code enters its calls' keys: class (the workflow class's bytes), sandbox (every file of "
          + "the class path) or none.", "class", "sandbox", "none");
  public static final ConfigKey<String> CACHE = text("taskwire.cache", "",
      "Works whose results are shared across runs: * for all, or work names, comma-separated; empty for none.");
  public static final ConfigKey<String> CACHE_DIR = text("taskwire.cache.dir", "~/.taskwire/cache",
      "Where results shared across runs are kept.");
  public static final ConfigKey<Integer> CACHE_MAX_MB = positiveInt("taskwire.cache.max-mb", 1024,
      "The most the shared results may take; the least recently used go first when a run closes.");
  public static final ConfigKey<String> SANDBOX_CACHE_DIR = text("taskwire.sandbox.cache-dir",
      "~/.taskwire/sandboxes", () -> "", "Where built sandboxes and remembered file hashes are kept.");
  public static final ConfigKey<String> SANDBOX_EXCLUDES = text("taskwire.sandbox.excludes", "",
      "More glob excludes for the sandbox, comma-separated, added to @Workflow(excludes).");
  public static final ConfigKey<String> PROGRESS = choice("taskwire.progress", "auto",
      "How fan-outs show progress: a bar on a terminal, a periodic line otherwise.", "auto", "bar", "line", "off");
  public static final ConfigKey<Duration> PROGRESS_INTERVAL = duration("taskwire.progress.interval", "10s",
      "How often the progress line is printed when there is no terminal.");
  public static final ConfigKey<String> UI = choice("taskwire.ui", "false",
      "Serve the run dashboard from the client while the run is open, on the loopback address, and print its "
          + "address with its token once (needs org.taskwire:taskwire-dashboard on the class path and the journal).",
      "true", "false");

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
  public static final ConfigKey<Long> DATA_MAX_FILE_SIZE = size("taskwire.data.max-file-size", "no limit", Long.MAX_VALUE,
      "The largest file a call may keep (DataFile), e.g. 10G: a larger one fails its call, naming the file, before it "
          + "is kept or uploaded.");
  public static final ConfigKey<String> DATA_URL = text("taskwire.data.url", "~/.taskwire/data",
      "Where the files calls create (DataFile) are kept, one directory per run: a directory every worker sees, as a "
          + "path or a file: URL (the shared file system for Slurm), or a storage element's http(s):// WebDAV door.");

  public static final ConfigKey<String> RUCIO_URL = text("taskwire.rucio.url", "",
      "A Rucio server to register the run's files in (its datasets and replicas); with it, files are kept on "
          + "taskwire.rucio.rse and taskwire.data.url is not used.");
  public static final ConfigKey<String> RUCIO_ACCOUNT = text("taskwire.rucio.account", "the user name",
      () -> System.getProperty("user.name"), "The Rucio account files are registered by.");
  public static final ConfigKey<String> RUCIO_USERNAME = text("taskwire.rucio.username", "the account", () -> "",
      "User name for Rucio's userpass authentication.");
  public static final ConfigKey<String> RUCIO_PASSWORD = text("taskwire.rucio.password", "",
      "Password for Rucio's userpass authentication.");
  public static final ConfigKey<String> RUCIO_TOKEN_FILE = text("taskwire.rucio.token-file", "",
      "A file holding a token Rucio takes (an OIDC access token), read at each use; instead of a password.");
  public static final ConfigKey<String> RUCIO_CLIENT_CERT = text("taskwire.rucio.client-cert", "",
      "An X.509 certificate (PEM) to authenticate with at /auth/x509, or a grid proxy holding its key too "
          + "(/tmp/x509up_u<uid>); instead of a password.");
  public static final ConfigKey<String> RUCIO_CLIENT_KEY = text("taskwire.rucio.client-key", "",
      "The unencrypted PEM private key of taskwire.rucio.client-cert, when it is not in the same file.");
  public static final ConfigKey<String> RUCIO_CA_CERTS = text("taskwire.rucio.ca-certs", "",
      "The authorities to trust for Rucio's https, a PEM file or a directory such as /etc/grid-security/certificates, "
          + "instead of the JDK's.");
  public static final ConfigKey<String> RUCIO_RSE = text("taskwire.rucio.rse", "",
      "The storage element (RSE) the run's files are kept on and registered at; Taskwire writes through its "
          + "WebDAV door, at the paths Rucio's deterministic names give.");
  public static final ConfigKey<String> RUCIO_SCOPE = text("taskwire.rucio.scope", "user.<account>", () -> "",
      "The scope of the run's files and datasets.");
  public static final ConfigKey<String> RUCIO_DATASET = text("taskwire.rucio.dataset",
      org.taskwire.internal.data.RucioNames.DEFAULT_DATASET,
      "The name of the dataset each work's files go to, with {run} and {work} replaced (a work's own "
          + "@Work(dataset) comes first); closed when the run ends with none of that work's calls failed or outstanding.");

  /**
   * Job options; each also exists per work as {@code taskwire.work.<work name>.<option>}. Their
   * defaults are the annotations' and then {@link org.taskwire.spi.JobOptions#BUILT_IN}'s (stated
   * there once, documented from there here): these keys only override.
   */
  public static final List<JobOptionKey<?>> JOB_OPTIONS = List.of(
      new JobOptionKey<>(text("taskwire.init-env", "", "Shell setup run before the worker."),
          JobOptions.Builder::initEnv),
      new JobOptionKey<>(text("taskwire.container-image", "", "Container image of the jobs."),
          (b, v) -> b.containerImage(v.trim())),
      new JobOptionKey<>(text("taskwire.queue", "", "PanDA queue."), (b, v) -> b.queue(v.trim())),
      new JobOptionKey<>(text("taskwire.site", "", "PanDA site."), (b, v) -> b.site(v.trim())),
      new JobOptionKey<>(text("taskwire.cloud", "", "PanDA cloud."), (b, v) -> b.cloud(v.trim())),
      new JobOptionKey<>(positiveInt("taskwire.cores", JobOptions.BUILT_IN.cores(), "Cores per job."), JobOptions.Builder::cores),
      new JobOptionKey<>(positiveInt("taskwire.memory-mb", JobOptions.BUILT_IN.memoryMb(), "Memory per job in MB."),
          JobOptions.Builder::memoryMb),
      new JobOptionKey<>(duration("taskwire.walltime", JobOptions.BUILT_IN.walltime().toString(), "Wall time per job."), JobOptions.Builder::walltime),
      new JobOptionKey<>(positiveInt("taskwire.max-attempts", JobOptions.BUILT_IN.maxAttempts(), "Attempts per call."),
          JobOptions.Builder::maxAttempts),
      new JobOptionKey<>(positiveInt("taskwire.priority", JobOptions.BUILT_IN.priority(),
          "Among calls ready at once, those of a higher priority go first; on PanDA, the task's priority above 1000."),
          JobOptions.Builder::priority),
      new JobOptionKey<>(choice("taskwire.codec", JobOptions.BUILT_IN.codec().name().toLowerCase(Locale.ROOT), "Wire format.",
          "kryo", "json"),
          (b, v) -> b.codec(codec(v))));

  /** Every key that belongs to no backend, job options included; backends declare their own. */
  public static final List<ConfigKey<?>> ALL;

  static {
    List<ConfigKey<?>> all = new java.util.ArrayList<>(List.of(BACKEND, LOCAL_CLASSPATH, RUNS_DIR, JOURNAL, RESUME, RUN_FILE,
        CODE_VERSION, CACHE, CACHE_DIR, CACHE_MAX_MB, SANDBOX_CACHE_DIR,
        SANDBOX_EXCLUDES, PROGRESS, PROGRESS_INTERVAL, UI, BROKER_URL, BROKER_USER, BROKER_PASSWORD, BROKER_DESTINATION,
        RELAY_URL, RESULT_MAX_BYTES, DATA_URL, DATA_MAX_FILE_SIZE, RUCIO_URL, RUCIO_ACCOUNT, RUCIO_USERNAME,
        RUCIO_PASSWORD, RUCIO_TOKEN_FILE, RUCIO_CLIENT_CERT, RUCIO_CLIENT_KEY, RUCIO_CA_CERTS, RUCIO_RSE, RUCIO_SCOPE, RUCIO_DATASET));
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
      case NON_NEGATIVE_INT:
        try {
          if (Integer.parseInt(value.trim()) >= 0) {
            return null;
          }
        } catch (NumberFormatException e) {
          // fall through
        }
        return "expected 0 or a positive integer";
      case DURATION:
        try {
          Walltime.parse(value);
          return null;
        } catch (IllegalArgumentException e) {
          return "expected a duration such as 90s, 10m, 1h30m or PT1H30M";
        }
      case DURATION_OR_ZERO:
        try {
          durationOrZero(value);
          return null;
        } catch (IllegalArgumentException e) {
          return "expected 0 or a duration such as 90s, 10m, 1h30m or PT1H30M";
        }
      case CHOICE:
        return choices.contains(value.trim().toLowerCase(Locale.ROOT)) ? null : "expected one of " + choices;
      case SIZE:
        try {
          bytes(value);
          return null;
        } catch (IllegalArgumentException | ArithmeticException e) {
          return "expected a positive size in bytes, such as 1048576, 512M or 2G";
        }
      default:
        return null;
    }
  }

  static Codec codec(String value) {
    return Codec.valueOf(value.trim().toUpperCase(Locale.ROOT));
  }
}
