package org.taskwire.cli;

import java.nio.file.Path;
import java.util.Map;
import org.taskwire.internal.config.TaskwireConfig;
import org.taskwire.internal.run.RunHistory;
import picocli.CommandLine.Option;

/** The options every command shares: where the runs are, and JSON output. */
final class Runs {
  @Option(names = "--runs-dir", paramLabel = "DIR",
      description = "Where the runs are (default: taskwire.runs-dir, else ~/.taskwire/runs).")
  Path runsDir;

  @Option(names = "--json", description = "Print JSON, for scripts.")
  boolean json;

  Path root() {
    return runsDir != null ? runsDir : RunHistory.runsDirectory(config(Map.of()));
  }

  /** The configuration as the commands read it: {@link RunHistory#commandConfig}. */
  static TaskwireConfig config(Map<String, String> values) {
    return RunHistory.commandConfig(values);
  }
}
