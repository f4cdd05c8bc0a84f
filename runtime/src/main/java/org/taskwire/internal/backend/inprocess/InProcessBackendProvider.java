package org.taskwire.internal.backend.inprocess;

import org.taskwire.internal.backend.Backend;
import org.taskwire.internal.backend.BackendContext;
import org.taskwire.internal.backend.BackendProvider;

/** The {@code inprocess} backend, as {@code taskwire.backend=inprocess} selects it. */
public final class InProcessBackendProvider implements BackendProvider {
  @Override
  public String name() {
    return "inprocess";
  }

  @Override
  public Backend create(BackendContext context) {
    return new InProcessBackend(context);
  }
}
