package org.taskwire.internal.backend.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.taskwire.internal.backend.BackendProvider;
import org.taskwire.internal.config.ConfigKey;
import org.taskwire.internal.config.TaskwireConfig;

/** The {@code local} backend, as {@code taskwire.backend=local} selects it, and the keys it reads. */
public final class LocalBackendProvider extends BackendProvider.Named {
  public static final ConfigKey<Integer> WORKERS = ConfigKey.positiveInt("taskwire.local.workers",
      "number of cores", () -> Runtime.getRuntime().availableProcessors(), "Worker JVMs of the local backend.");
  public static final ConfigKey<String> JVM_OPTIONS = ConfigKey.text("taskwire.local.jvm-options",
      "-XX:+UseSerialGC", "Options of the local worker JVMs, space-separated; -Xmx defaults to the largest memoryMb.");
  public static final ConfigKey<String> JAVA = ConfigKey.text("taskwire.local.java", "this JVM's java",
      () -> Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "The java executable of the local worker JVMs.");
  public static final ConfigKey<String> LOG_DIR = ConfigKey.text("taskwire.local.log-dir",
      "a new temporary directory", () -> "", "Where the local workers' logs go.");
  public static final ConfigKey<String> SANDBOX = ConfigKey.choice("taskwire.local.sandbox", "false",
      "Start local workers from the run's sandbox, as grid jobs do, instead of this JVM's class path.",
      "true", "false");
  public static final ConfigKey<Integer> BATCH = ConfigKey.positiveInt("taskwire.local.batch",
      org.taskwire.internal.backend.serve.Dispatcher.DEFAULT_BATCH,
      "The most calls a local worker is sent at once while calls are short (under 5 ms each); their results then "
          + "come back in one write. 1 sends one call at a time.");

  public LocalBackendProvider() {
    super("local", LocalBackend::new, List.of(WORKERS, JVM_OPTIONS, JAVA, LOG_DIR, SANDBOX, BATCH));
  }

  @Override
  public boolean shipsSandbox(TaskwireConfig config) {
    return Boolean.parseBoolean(config.get(SANDBOX));
  }

  /** Kills the run's worker JVMs that still run: only processes that are Taskwire workers, as pids get reused. */
  @Override
  public List<String> kill(String runId, TaskwireConfig config, Collection<Map<String, String>> handles) {
    List<String> killed = new ArrayList<>();
    Set<Long> pids = new TreeSet<>();
    for (Map<String, String> handle : handles) {
      String pid = handle.get("pid");
      if (pid != null) {
        pids.add(Long.parseLong(pid));
      }
    }
    for (long pid : pids) {
      ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
          .filter(p -> p.info().commandLine().map(c -> c.contains("org.taskwire.wrapper")).orElse(false))
          .ifPresent(p -> {
            p.destroy();
            killed.add("local worker pid " + pid);
          });
    }
    return killed;
  }
}
