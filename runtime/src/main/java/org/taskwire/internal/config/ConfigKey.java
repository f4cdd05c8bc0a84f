package org.taskwire.internal.config;

import java.util.List;
import java.util.Locale;
import org.taskwire.annotations.Codec;
import org.taskwire.annotations.Walltime;

/**
 * A known configuration key, with its value type and documentation. Every key
 * {@code taskwire.a.b-c} also has the environment form {@code TASKWIRE_A_B_C}.
 */
public record ConfigKey(String name, Type type, String defaultValue, String description, List<String> choices) {

  /** How a value is checked. */
  public enum Type { STRING, POSITIVE_INT, DURATION, CHOICE }

  public static final ConfigKey BACKEND = new ConfigKey("taskwire.backend", Type.CHOICE, "local",
      "Which backend runs the calls.", List.of("local", "inprocess", "panda"));
  public static final ConfigKey INPROCESS_THREADS = new ConfigKey("taskwire.inprocess.threads", Type.POSITIVE_INT,
      "number of cores", "Threads of the in-process backend.", List.of());
  public static final ConfigKey LOCAL_WORKERS = new ConfigKey("taskwire.local.workers", Type.POSITIVE_INT,
      "number of cores", "Worker JVMs of the local backend.", List.of());
  public static final ConfigKey LOCAL_JVM_OPTIONS = new ConfigKey("taskwire.local.jvm-options", Type.STRING,
      "-XX:+UseSerialGC", "Options of the local worker JVMs, space-separated; -Xmx defaults to the largest memoryMb.",
      List.of());
  public static final ConfigKey LOCAL_JAVA = new ConfigKey("taskwire.local.java", Type.STRING,
      "this JVM's java", "The java executable of the local worker JVMs.", List.of());
  public static final ConfigKey LOCAL_CLASSPATH = new ConfigKey("taskwire.local.classpath", Type.STRING,
      "this JVM's class path", "The class path shipped to local workers.", List.of());
  public static final ConfigKey LOCAL_LOG_DIR = new ConfigKey("taskwire.local.log-dir", Type.STRING,
      "a new temporary directory", "Where the local workers' logs go.", List.of());
  public static final ConfigKey LOCAL_SANDBOX = new ConfigKey("taskwire.local.sandbox", Type.CHOICE, "false",
      "Start local workers from the run's sandbox, as grid jobs do, instead of this JVM's class path.",
      List.of("true", "false"));
  public static final ConfigKey LOCAL_BATCH = new ConfigKey("taskwire.local.batch", Type.POSITIVE_INT, "32",
      "The most calls a local worker is sent at once while calls are short (under 5 ms each); their results then "
          + "share one broker round trip. 1 sends one call at a time.", List.of());
  public static final ConfigKey SANDBOX_CACHE_DIR = new ConfigKey("taskwire.sandbox.cache-dir", Type.STRING,
      "~/.taskwire/sandboxes", "Where built sandboxes and remembered file hashes are kept.", List.of());
  public static final ConfigKey SANDBOX_EXCLUDES = new ConfigKey("taskwire.sandbox.excludes", Type.STRING, "",
      "More glob excludes for the sandbox, comma-separated, added to @Workflow(excludes).", List.of());
  public static final ConfigKey PROGRESS = new ConfigKey("taskwire.progress", Type.CHOICE, "auto",
      "How fan-outs show progress: a bar on a terminal, a periodic line otherwise.",
      List.of("auto", "bar", "line", "off"));
  public static final ConfigKey PROGRESS_INTERVAL = new ConfigKey("taskwire.progress.interval", Type.DURATION,
      "10s", "How often the progress line is printed when there is no terminal.", List.of());

  public static final ConfigKey BROKER_URL = new ConfigKey("taskwire.broker.url", Type.STRING,
      "an embedded broker", "STOMP brokers for results, comma-separated: stomp://host:port or stomp+ssl://host:port.",
      List.of());
  public static final ConfigKey BROKER_USER = new ConfigKey("taskwire.broker.user", Type.STRING, "",
      "STOMP login.", List.of());
  public static final ConfigKey BROKER_PASSWORD = new ConfigKey("taskwire.broker.password", Type.STRING, "",
      "STOMP passcode.", List.of());
  public static final ConfigKey BROKER_DESTINATION = new ConfigKey("taskwire.broker.destination", Type.STRING,
      "/topic/taskwire.results", "The topic results are published to.", List.of());
  public static final ConfigKey RELAY_URL = new ConfigKey("taskwire.relay.url", Type.STRING,
      "a relay in this JVM", "HTTP relay for results when no broker can be reached.", List.of());
  public static final ConfigKey RESULT_MAX_BYTES = new ConfigKey("taskwire.result.max-bytes", Type.POSITIVE_INT,
      "4194304", "The largest result message; larger results fail with advice.", List.of());

  public static final ConfigKey PANDA_URL = new ConfigKey("taskwire.panda.url", Type.STRING,
      "$PANDA_URL_SSL, else https://pandaserver.cern.ch", "The PanDA server; only scheme://host:port is used.",
      List.of());
  public static final ConfigKey PANDA_CACHE_URL = new ConfigKey("taskwire.panda.cache-url", Type.STRING,
      "$PANDACACHE_URL, else the server", "The PanDA cache server that jobs download sandboxes from.", List.of());
  public static final ConfigKey PANDA_AUTH = new ConfigKey("taskwire.panda.auth", Type.CHOICE,
      "$PANDA_AUTH, else x509", "How to authenticate to PanDA.", List.of("oidc", "x509", "x509_no_grid", "none"));
  public static final ConfigKey PANDA_VO = new ConfigKey("taskwire.panda.vo", Type.STRING,
      "$PANDA_AUTH_VO, else wlcg", "The virtual organisation: the Origin header and the task's vo.", List.of());
  public static final ConfigKey PANDA_CONFIG_ROOT = new ConfigKey("taskwire.panda.config-root", Type.STRING,
      "$PANDA_CONFIG_ROOT, else ~/.pathena", "Where the OIDC token cache (.token) is kept.", List.of());
  public static final ConfigKey PANDA_ID_TOKEN = new ConfigKey("taskwire.panda.id-token", Type.STRING,
      "$PANDA_AUTH_ID_TOKEN", "An OIDC ID token to use as is (prefer the environment or the token file).", List.of());
  public static final ConfigKey PANDA_X509_PROXY = new ConfigKey("taskwire.panda.x509-proxy", Type.STRING,
      "$X509_USER_PROXY, else /tmp/x509up_u<uid>", "The X509 proxy: client certificate and key.", List.of());
  public static final ConfigKey PANDA_X509_CERT_DIR = new ConfigKey("taskwire.panda.x509-cert-dir", Type.STRING,
      "$X509_CERT_DIR, else /etc/grid-security/certificates", "CA certificates trusted for PanDA.", List.of());
  public static final ConfigKey PANDA_VERIFY_TLS = new ConfigKey("taskwire.panda.verify-tls", Type.CHOICE, "true",
      "Check PanDA's server certificate (PanDA's own client does not; Taskwire does).", List.of("true", "false"));
  public static final ConfigKey PANDA_POLL_INTERVAL = new ConfigKey("taskwire.panda.poll-interval", Type.DURATION,
      "30s", "How often the tasks of a run are checked (one bulk request per task).", List.of());
  public static final ConfigKey PANDA_JVM_OPTIONS = new ConfigKey("taskwire.panda.jvm-options", Type.STRING,
      "-XX:+UseSerialGC", "Options of the jobs' JVMs; -Xmx is derived from memoryMb unless given.", List.of());
  public static final ConfigKey PANDA_TRANS_PATH = new ConfigKey("taskwire.panda.trans-path", Type.STRING,
      "the server's default (runGen)", "The job wrapper script's URL (transPath).", List.of());
  public static final ConfigKey PANDA_ARCHITECTURE = new ConfigKey("taskwire.panda.architecture", Type.STRING,
      "", "The task's architecture, e.g. @el9.", List.of());
  public static final ConfigKey PANDA_RESULT_GRACE = new ConfigKey("taskwire.panda.result-grace", Type.DURATION,
      "10s", "How long after a job finished its result may travel before it is read from the job's metadata.",
      List.of());

  /** Job options; each also exists per work as {@code taskwire.work.<work name>.<option>}. */
  public static final List<ConfigKey> JOB_OPTIONS = List.of(
      new ConfigKey("taskwire.init-env", Type.STRING, "", "Shell setup run before the worker.", List.of()),
      new ConfigKey("taskwire.container-image", Type.STRING, "", "Container image of the jobs.", List.of()),
      new ConfigKey("taskwire.queue", Type.STRING, "", "PanDA queue.", List.of()),
      new ConfigKey("taskwire.site", Type.STRING, "", "PanDA site.", List.of()),
      new ConfigKey("taskwire.cloud", Type.STRING, "", "PanDA cloud.", List.of()),
      new ConfigKey("taskwire.cores", Type.POSITIVE_INT, "1", "Cores per job.", List.of()),
      new ConfigKey("taskwire.memory-mb", Type.POSITIVE_INT, "2000", "Memory per job in MB.", List.of()),
      new ConfigKey("taskwire.walltime", Type.DURATION, "24h", "Wall time per job.", List.of()),
      new ConfigKey("taskwire.max-attempts", Type.POSITIVE_INT, "3", "Attempts per call.", List.of()),
      new ConfigKey("taskwire.codec", Type.CHOICE, "kryo", "Wire format.", List.of("kryo", "json")));

  /** Every fixed key, job options included. */
  public static final List<ConfigKey> ALL;

  static {
    List<ConfigKey> all = new java.util.ArrayList<>(List.of(BACKEND, INPROCESS_THREADS, LOCAL_WORKERS,
        LOCAL_JVM_OPTIONS, LOCAL_JAVA, LOCAL_CLASSPATH, LOCAL_LOG_DIR, LOCAL_SANDBOX, LOCAL_BATCH, SANDBOX_CACHE_DIR,
        SANDBOX_EXCLUDES, PROGRESS, PROGRESS_INTERVAL, BROKER_URL,
        BROKER_USER, BROKER_PASSWORD, BROKER_DESTINATION, RELAY_URL, RESULT_MAX_BYTES,
        PANDA_URL, PANDA_CACHE_URL, PANDA_AUTH, PANDA_VO, PANDA_CONFIG_ROOT, PANDA_ID_TOKEN, PANDA_X509_PROXY,
        PANDA_X509_CERT_DIR, PANDA_VERIFY_TLS, PANDA_POLL_INTERVAL, PANDA_JVM_OPTIONS, PANDA_TRANS_PATH,
        PANDA_ARCHITECTURE, PANDA_RESULT_GRACE));
    all.addAll(JOB_OPTIONS);
    ALL = List.copyOf(all);
  }

  /** The environment variable of a key: upper case, dots and dashes become underscores. */
  public static String environmentName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The job option key for one work, e.g. {@code taskwire.work.evaluate.cores}. */
  public ConfigKey forWork(String workName) {
    return new ConfigKey("taskwire.work." + workName + name.substring("taskwire".length()), type, defaultValue,
        description, choices);
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
