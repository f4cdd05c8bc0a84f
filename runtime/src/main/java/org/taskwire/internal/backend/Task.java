package org.taskwire.internal.backend;

import java.util.List;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.spi.JobOptions;
import org.taskwire.spi.WorkDefinition;
import org.taskwire.spi.WorkflowDefinition;

/**
 * The calls of one proxy invocation, submitted together: one task of {@code calls.size()} jobs.
 * A retry is submitted as a task with the same id and the one call, at its next attempt.
 *
 * @param priority where its calls stand among others ready at once
 */
public record Task(long taskId, WorkflowDefinition workflow, WorkDefinition<?, ?> work, JobOptions options,
    List<CallEnvelope> calls, Priority priority) {

  /** A task that waits for no other call. */
  public Task(long taskId, WorkflowDefinition workflow, WorkDefinition<?, ?> work, JobOptions options, List<CallEnvelope> calls) {
    this(taskId, workflow, work, options, calls, Priority.root(taskId));
  }

  /** The same task, holding only the given call. */
  public Task withOnly(CallEnvelope call) {
    return withCalls(List.of(call));
  }

  /** The same task, holding only the given calls. */
  public Task withCalls(List<CallEnvelope> only) {
    return new Task(taskId, workflow, work, options, List.copyOf(only), priority);
  }
}
