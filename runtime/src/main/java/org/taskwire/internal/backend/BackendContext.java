package org.taskwire.internal.backend;

import java.util.List;
import org.taskwire.internal.config.TaskwireConfig;
import org.taskwire.spi.WorkflowDefinition;

/**
 * What a backend is started with: the run's own workflow, and every workflow whose works it may
 * be asked to run (the run's first, then those found on the class path).
 */
public record BackendContext(
    String runId, TaskwireConfig config, WorkflowDefinition workflow, List<WorkflowDefinition> workflows, ResultSink sink) {}
