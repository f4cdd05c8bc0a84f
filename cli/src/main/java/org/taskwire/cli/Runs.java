package org.taskwire.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.taskwire.internal.backend.Backends;
import org.taskwire.internal.config.TaskwireConfig;
import org.taskwire.internal.run.RunHistory;
import org.taskwire.spi.JobOptions;
import org.taskwire.spi.WorkflowDefinition;
import picocli.CommandLine.Option;

/** The options every command shares: where the runs are, and JSON output. */
final class Runs {
  /** Configuration is read as a run reads it, for no workflow in particular. */
  private static final WorkflowDefinition NONE = WorkflowDefinition.of("taskwire.cli", "taskwire", JobOptions.NONE,
      List.of(), List.of());

  @Option(names = "--runs-dir", paramLabel = "DIR",
      description = "Where the runs are (default: taskwire.runs-dir, else ~/.taskwire/runs).")
  Path runsDir;

  @Option(names = "--json", description = "Print JSON, for scripts.")
  boolean json;

  Path root() {
    return runsDir != null ? runsDir : RunHistory.runsDirectory(config(Map.of()));
  }

  /**
   * The configuration layers of this machine (file, environment, system properties) under
   * {@code values}. Keys for one work ({@code taskwire.work.*}) are left out of the layers that
   * could hold them: the commands serve no workflow in particular.
   */
  static TaskwireConfig config(Map<String, String> values) {
    TaskwireConfig.Sources system = TaskwireConfig.Sources.system();
    Properties properties = new Properties();
    system.systemProperties().stringPropertyNames().stream().filter(k -> !isWorkKey(k))
        .forEach(k -> properties.setProperty(k, system.systemProperties().getProperty(k)));
    Map<String, String> code = new java.util.LinkedHashMap<>();
    values.forEach((k, v) -> {
      if (!isWorkKey(k)) {
        code.put(k, v);
      }
    });
    return TaskwireConfig.load(new TaskwireConfig.Sources(system.classLoader(), system.homeDirectory(),
        system.environment(), properties), NONE, code, Backends.configKeys());
  }

  private static boolean isWorkKey(String key) {
    return key.startsWith("taskwire.work.");
  }
}
