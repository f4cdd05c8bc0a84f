package org.taskwire.internal.backend;

import java.util.List;
import org.taskwire.internal.config.ConfigKey;
import org.taskwire.internal.config.TaskwireConfig;
import org.taskwire.internal.data.DataStore;
import org.taskwire.internal.transport.message.ResultIdentity;
import org.taskwire.spi.WorkflowDefinition;

/**
 * What a backend is started with: the run's own workflow, every workflow whose works it may be
 * asked to run (the run's first, then those found on the class path), and the route and key its
 * results travel with (kept across a resume).
 */
public record BackendContext(String runId, TaskwireConfig config, WorkflowDefinition workflow,
    List<WorkflowDefinition> workflows, ResultSink sink, ResultIdentity identity) {

  /**
   * Where the run's files are kept ({@code taskwire.data.url}).
   *
   * @throws org.taskwire.ConfigurationException when the value names no directory Taskwire can use
   */
  public DataStore dataStore() {
    String url = config.get(ConfigKey.DATA_URL).strip();
    try {
      return url.startsWith("~/") ? new DataStore.Directory(config.path(ConfigKey.DATA_URL)) : DataStore.at(url);
    } catch (IllegalArgumentException e) {
      throw new org.taskwire.ConfigurationException(e.getMessage(), e);
    }
  }

  /** What a worker's environment holds to keep its calls' files: where, and the largest file it may keep. */
  public java.util.Map<String, String> dataEnvironment() {
    java.util.Map<String, String> env = new java.util.HashMap<>(dataStore().environment());
    long max = config.get(ConfigKey.DATA_MAX_FILE_SIZE);
    if (max < Long.MAX_VALUE) {
      env.put(DataStore.MAX_FILE_SIZE_ENVIRONMENT, Long.toString(max));
    }
    return java.util.Map.copyOf(env);
  }

  /** The same context, reporting to another sink. */
  public BackendContext withSink(ResultSink other) {
    return new BackendContext(runId, config, workflow, workflows, other, identity);
  }
}
