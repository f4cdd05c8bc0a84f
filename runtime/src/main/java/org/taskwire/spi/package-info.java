/**
 * The contract between generated code and the runtime: work and workflow definitions, registries
 * found through {@link java.util.ServiceLoader}. Users rarely touch these types directly.
 */
package org.taskwire.spi;
