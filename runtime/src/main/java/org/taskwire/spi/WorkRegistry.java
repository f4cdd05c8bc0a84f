package org.taskwire.spi;

/**
 * Service interface implemented by the registry the processor generates for each
 * {@code @Workflow} class and lists in {@code META-INF/services/org.taskwire.spi.WorkRegistry}.
 * Workers find registries with {@link java.util.ServiceLoader}; only the works they declare can be
 * invoked, and only the types they declare can be decoded.
 */
public interface WorkRegistry {
  /** The workflow this registry declares. */
  WorkflowDefinition workflow();
}
