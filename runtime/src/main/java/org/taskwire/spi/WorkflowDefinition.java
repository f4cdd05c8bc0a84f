package org.taskwire.spi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code @Workflow} class as the processor saw it: name, workflow-wide options, sandbox
 * excludes and its work methods in declaration order.
 */
public final class WorkflowDefinition {
  private final String workflowClass;
  private final String name;
  private final JobOptions options;
  private final List<String> excludes;
  private final Map<String, WorkDefinition<?, ?>> worksByName = new LinkedHashMap<>();

  private WorkflowDefinition(
      String workflowClass, String name, JobOptions options, List<String> excludes, List<WorkDefinition<?, ?>> works) {
    this.workflowClass = Objects.requireNonNull(workflowClass, "workflowClass");
    this.name = Objects.requireNonNull(name, "name");
    this.options = Objects.requireNonNull(options, "options");
    this.excludes = List.copyOf(excludes);
    for (WorkDefinition<?, ?> work : works) {
      if (!work.workflowClass().equals(workflowClass)) {
        throw new IllegalArgumentException(work.id() + " does not belong to " + workflowClass);
      }
      if (worksByName.putIfAbsent(work.name(), work) != null) {
        throw new IllegalArgumentException("two works named " + work.name() + " in " + workflowClass);
      }
    }
  }

  /** Creates a definition; called by generated registries. */
  public static WorkflowDefinition of(
      String workflowClass, String name, JobOptions options, List<String> excludes, List<WorkDefinition<?, ?>> works) {
    return new WorkflowDefinition(workflowClass, name, options, excludes, works);
  }

  /** Binary name of the {@code @Workflow} class. */
  public String workflowClass() { return workflowClass; }
  public String name() { return name; }
  public JobOptions options() { return options; }
  public List<String> excludes() { return excludes; }

  /** The work methods in declaration order. */
  public List<WorkDefinition<?, ?>> works() {
    return List.copyOf(worksByName.values());
  }

  /** The work with this name, if any. */
  public Optional<WorkDefinition<?, ?>> work(String workName) {
    return Optional.ofNullable(worksByName.get(workName));
  }

  @Override
  public String toString() {
    return workflowClass;
  }
}
