package org.taskwire.internal.backend.panda;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.taskwire.internal.backend.BackendProvider;
import org.taskwire.internal.config.ConfigKey;
import org.taskwire.internal.config.TaskwireConfig;

/**
 * The {@code panda} backend, as {@code taskwire.backend=panda} selects it, and the keys it reads.
 * Their defaults come from PanDA's own client environment, read in {@link PandaSettings}.
 */
public final class PandaBackendProvider extends BackendProvider.Named {
  public static final ConfigKey<String> URL = ConfigKey.text("taskwire.panda.url",
      "$PANDA_URL_SSL, else https://pandaserver.cern.ch", () -> "", "The PanDA server; only scheme://host:port is used.");
  public static final ConfigKey<String> CACHE_URL = ConfigKey.text("taskwire.panda.cache-url",
      "$PANDACACHE_URL, else the server", () -> "", "The PanDA cache server that jobs download sandboxes from.");
  public static final ConfigKey<String> AUTH = ConfigKey.choice("taskwire.panda.auth",
      "$PANDA_AUTH, else x509", () -> "", "How to authenticate to PanDA.", "oidc", "x509", "x509_no_grid", "none");
  public static final ConfigKey<String> VO = ConfigKey.text("taskwire.panda.vo", "$PANDA_AUTH_VO, else wlcg", () -> "",
      "The virtual organisation: the Origin header and the task's vo.");
  public static final ConfigKey<String> CONFIG_ROOT = ConfigKey.text("taskwire.panda.config-root",
      "$PANDA_CONFIG_ROOT, else ~/.pathena", () -> "", "Where the OIDC token cache (.token) is kept.");
  public static final ConfigKey<String> ID_TOKEN = ConfigKey.text("taskwire.panda.id-token", "$PANDA_AUTH_ID_TOKEN",
      () -> "", "An OIDC ID token to use as is (prefer the environment or the token file).");
  public static final ConfigKey<String> X509_PROXY = ConfigKey.text("taskwire.panda.x509-proxy",
      "$X509_USER_PROXY, else /tmp/x509up_u<uid>", () -> "", "The X509 proxy: client certificate and key.");
  public static final ConfigKey<String> X509_CERT_DIR = ConfigKey.text("taskwire.panda.x509-cert-dir",
      "$X509_CERT_DIR, else /etc/grid-security/certificates", () -> "", "CA certificates trusted for PanDA.");
  public static final ConfigKey<String> VERIFY_TLS = ConfigKey.choice("taskwire.panda.verify-tls", "true",
      "Check PanDA's server certificate (PanDA's own client does not; Taskwire does).", "true", "false");
  public static final ConfigKey<Duration> POLL_INTERVAL = ConfigKey.duration("taskwire.panda.poll-interval", "30s",
      "How often the tasks of a run are checked (one bulk request per task).");
  public static final ConfigKey<String> JVM_OPTIONS = ConfigKey.text("taskwire.panda.jvm-options", "-XX:+UseSerialGC",
      "Options of the jobs' JVMs; -Xmx is derived from memoryMb unless given.");
  public static final ConfigKey<String> TRANS_PATH = ConfigKey.text("taskwire.panda.trans-path",
      "the server's default (runGen)", () -> "", "The job wrapper script's URL (transPath).");
  public static final ConfigKey<String> ARCHITECTURE = ConfigKey.text("taskwire.panda.architecture", "",
      "The task's architecture, e.g. @el9.");
  public static final ConfigKey<Duration> RESULT_GRACE = ConfigKey.duration("taskwire.panda.result-grace", "10s",
      "How long after a job finished its result may travel before it is read from the job's metadata.");

  public static final ConfigKey<Duration> STEP_WINDOW = ConfigKey.durationOrZero("taskwire.panda.step-window", "60s",
      "How long calls of one work that become ready apart (children of parents that end one by one) are held to "
          + "go out as one task; a fan-out whose calls are all ready goes at once. A task costs minutes of "
          + "brokerage on the grid, so a minute spent gathering its calls is cheap. 0: each group at once.");

  @Override
  public boolean shipsSandbox(TaskwireConfig config) {
    return true;
  }

  /** Kills the run's PanDA tasks that have not ended. */
  @Override
  public List<String> kill(String runId, TaskwireConfig config, Collection<Map<String, String>> handles) {
    return PandaSystem.kill(runId, config, handles);
  }

  public PandaBackendProvider() {
    super("panda", PandaSystem::backend, List.of(URL, CACHE_URL, AUTH, VO, CONFIG_ROOT, ID_TOKEN, X509_PROXY,
        X509_CERT_DIR, VERIFY_TLS, POLL_INTERVAL, JVM_OPTIONS, TRANS_PATH, ARCHITECTURE, RESULT_GRACE, STEP_WINDOW));
  }
}
