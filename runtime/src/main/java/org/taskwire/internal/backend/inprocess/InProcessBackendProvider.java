package org.taskwire.internal.backend.inprocess;

import org.taskwire.internal.backend.BackendProvider;

/** The {@code inprocess} backend, as {@code taskwire.backend=inprocess} selects it. */
public final class InProcessBackendProvider extends BackendProvider.Named {
  public InProcessBackendProvider() {
    super("inprocess", InProcessBackend::new);
  }
}
