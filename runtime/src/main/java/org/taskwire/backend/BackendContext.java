package org.taskwire.backend;

import java.util.List;
import org.taskwire.config.TaskwireConfig;
import org.taskwire.spi.WorkflowDefinition;

/** What a backend is started with. */
public record BackendContext(String runId, TaskwireConfig config, List<WorkflowDefinition> workflows, ResultSink sink) {}
