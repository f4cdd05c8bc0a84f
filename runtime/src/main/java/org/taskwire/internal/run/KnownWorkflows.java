package org.taskwire.internal.run;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.spi.WorkDefinition;
import org.taskwire.spi.WorkRegistry;
import org.taskwire.spi.WorkflowDefinition;

/**
 * The workflows a run can call into: its own, and every other whose registry is on the class
 * path (a workflow may call another's works).
 */
public final class KnownWorkflows {
  private static final Logger LOG = LoggerFactory.getLogger(KnownWorkflows.class);
  private final Map<String, WorkflowDefinition> byClass;

  private KnownWorkflows(Map<String, WorkflowDefinition> byClass) {
    this.byClass = byClass;
  }

  /** All of them, the run's own first. */
  public List<WorkflowDefinition> all() {
    return List.copyOf(byClass.values());
  }

  /**
   * The workflow a work belongs to.
   *
   * @throws IllegalArgumentException if its registry is not on the class path
   */
  public WorkflowDefinition ownerOf(WorkDefinition<?, ?> work) {
    WorkflowDefinition owner = byClass.get(work.workflowClass());
    if (owner == null) {
      throw new IllegalArgumentException("work " + work.id() + " belongs to a workflow whose registry is not on "
          + "the class path; was the Taskwire annotation processor run on " + work.workflowClass() + "?");
    }
    return owner;
  }

  /** The run's own workflow, then those whose registries the context class loader finds. */
  public static KnownWorkflows discover(WorkflowDefinition own) {
    Map<String, WorkflowDefinition> found = new LinkedHashMap<>();
    found.put(own.workflowClass(), own);
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    try {
      for (WorkRegistry registry : ServiceLoader.load(WorkRegistry.class, loader)) {
        found.putIfAbsent(registry.workflow().workflowClass(), registry.workflow());
      }
    } catch (java.util.ServiceConfigurationError e) {
      LOG.warn("ignoring a work registry that cannot be loaded: {}", e.getMessage());
    }
    return new KnownWorkflows(found);
  }
}
