package org.taskwire.internal.backend.slurm;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.taskwire.internal.backend.Backend;
import org.taskwire.internal.backend.BackendContext;
import org.taskwire.internal.backend.BackendProvider;
import org.taskwire.internal.config.ConfigKey;
import org.taskwire.internal.config.TaskwireConfig;

/** The {@code slurm} backend, as {@code taskwire.backend=slurm} selects it, and the keys it reads. */
public final class SlurmBackendProvider extends BackendProvider.Named {
  public static final ConfigKey<String> MODE = ConfigKey.choice("taskwire.slurm.mode", "pilots",
      "How calls run: pilots, worker jobs that connect back to the client and run many calls each (for many short "
          + "calls); jobs, one array task per call of a fan-out (for long calls, or nodes that cannot reach the client).",
      "pilots", "jobs");
  public static final ConfigKey<Integer> PILOTS_MIN = ConfigKey.nonNegativeInt("taskwire.slurm.pilots-min", 0,
      "Pilots mode: pilots kept while the run lasts, even idle.");
  public static final ConfigKey<Integer> PILOTS_MAX = ConfigKey.positiveInt("taskwire.slurm.pilots-max", 16,
      "Pilots mode: pilots at most (per kind of resources the works ask for).");
  public static final ConfigKey<Duration> PILOT_WALLTIME = ConfigKey.duration("taskwire.slurm.pilot-walltime", "1h",
      "Pilots mode: the walltime pilots ask for; raised to fit a call whose walltime is longer.");
  public static final ConfigKey<Duration> PILOT_IDLE = ConfigKey.duration("taskwire.slurm.pilot-idle", "2m",
      "Pilots mode: how long a pilot above the minimum may have nothing to do before it is let go.");
  public static final ConfigKey<Duration> HEARTBEAT = ConfigKey.duration("taskwire.slurm.heartbeat", "10s",
      "Pilots mode: how often pilots say they are alive; one silent for three intervals is taken for lost.");
  public static final ConfigKey<String> CLIENT_HOST = ConfigKey.text("taskwire.slurm.client-host", "this host's name",
      SlurmBackendProvider::hostName, "Pilots mode: the address of this machine that the nodes reach; pilots "
          + "connect to it.");
  public static final ConfigKey<String> ACCOUNTING = ConfigKey.choice("taskwire.slurm.accounting", "auto",
      "Jobs mode: whether sacct tells what became of jobs squeue no longer lists (ended more than MinJobAge "
          + "ago): on, off, or auto (on when Slurm keeps accounting).", "auto", "on", "off");
  public static final ConfigKey<String> SHARED_DIR = ConfigKey.text("taskwire.slurm.shared-dir", "~/.taskwire/slurm",
      "A directory the client and every node see: calls, job scripts, results and logs, per run.");
  public static final ConfigKey<String> ACCOUNT = ConfigKey.text("taskwire.slurm.account", "",
      "sbatch --account; empty: Slurm's default.");
  public static final ConfigKey<String> QOS = ConfigKey.text("taskwire.slurm.qos", "", "sbatch --qos; empty: none.");
  public static final ConfigKey<String> CONSTRAINT = ConfigKey.text("taskwire.slurm.constraint", "",
      "sbatch --constraint; empty: none.");
  public static final ConfigKey<String> GRES = ConfigKey.text("taskwire.slurm.gres", "", "sbatch --gres; empty: none.");
  public static final ConfigKey<String> EXTRA_ARGS = ConfigKey.text("taskwire.slurm.extra-args", "",
      "More sbatch options, space-separated, e.g. --exclusive.");
  public static final ConfigKey<Integer> MAX_ARRAY_SIZE = ConfigKey.positiveInt("taskwire.slurm.max-array-size", 1001,
      "The site's MaxArraySize: a larger fan-out is submitted as several array jobs.");
  public static final ConfigKey<Integer> ARRAY_THROTTLE = ConfigKey.positiveInt("taskwire.slurm.array-throttle",
      "no limit", () -> Integer.MAX_VALUE, "At most this many array tasks of one fan-out run at once (sbatch --array=...%k).");
  public static final ConfigKey<Duration> POLL_INTERVAL = ConfigKey.duration("taskwire.slurm.poll-interval", "5s",
      "How often the run's jobs are checked (one squeue for the whole run).");
  public static final ConfigKey<Duration> RESULT_GRACE = ConfigKey.duration("taskwire.slurm.result-grace", "5s",
      "How long after a job finished its result may travel before its result file is read.");
  public static final ConfigKey<Integer> BATCH = ConfigKey.positiveInt("taskwire.slurm.batch",
      org.taskwire.internal.backend.serve.Dispatcher.DEFAULT_BATCH,
      "The most calls a pilot is sent at once while calls are short (under 5 ms each); their results then come back "
          + "in one write. 1 sends one call at a time.");
  public static final ConfigKey<Duration> PENDING_TIMEOUT = ConfigKey.duration("taskwire.slurm.pending-timeout", "5m",
      "How long a job may pend for a reason that no wait will cure (its walltime above the partition's limit, a "
          + "limit of its QOS or account) before its call fails with Slurm's reason.");
  public static final ConfigKey<String> JAVA = ConfigKey.text("taskwire.slurm.java", "this JVM's java",
      () -> java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "The java the jobs run; it must exist on the nodes.");
  public static final ConfigKey<String> JVM_OPTIONS = ConfigKey.text("taskwire.slurm.jvm-options", "-XX:+UseSerialGC",
      "Options of the jobs' JVMs; -Xmx is derived from memoryMb unless given.");

  public static final ConfigKey<Duration> STEP_WINDOW = ConfigKey.durationOrZero("taskwire.slurm.step-window", "5s",
      "In jobs mode, how long calls of one work that become ready apart are held to go out as one array job; a "
          + "fan-out whose calls are all ready goes at once. An array job costs an sbatch and a scheduling cycle, "
          + "seconds; pilots take calls one by one and hold none. 0: each group at once.");

  public static final ConfigKey<String> CLASS_DATA = ConfigKey.choice("taskwire.slurm.class-data", "auto",
      "Whether jobs and pilots share a class-data archive (AppCDS) of their JDK and class path, written by the first "
          + "job to end into shared-dir/class-data and mapped by every later JVM, which then starts faster: auto "
          + "(when the class path is all jars; JDK 17 archives no class directory) or off.", "auto", "off");

  public SlurmBackendProvider() {
    super("slurm", SlurmBackendProvider::backend, List.of(MODE, PILOTS_MIN, PILOTS_MAX, PILOT_WALLTIME, PILOT_IDLE,
        HEARTBEAT, CLIENT_HOST, ACCOUNTING, SHARED_DIR, ACCOUNT, QOS, CONSTRAINT, GRES, EXTRA_ARGS,
        MAX_ARRAY_SIZE, ARRAY_THROTTLE, POLL_INTERVAL, RESULT_GRACE, PENDING_TIMEOUT, BATCH, JAVA, JVM_OPTIONS,
        CLASS_DATA, STEP_WINDOW));
  }

  private static Backend backend(BackendContext context) {
    return context.config().get(MODE).equals("jobs") ? SlurmSystem.backend(context) : SlurmPilots.backend(context);
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }

  /** Cancels the run's array jobs that are still queued or running, and removes its transport file ({@code taskwire kill}). */
  @Override
  public List<String> kill(String runId, TaskwireConfig config, Collection<Map<String, String>> handles) {
    return SlurmSystem.kill(runId, config);
  }
}
