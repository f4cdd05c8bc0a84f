package org.taskwire.internal.backend.local;

import org.taskwire.internal.backend.Backend;
import org.taskwire.internal.backend.BackendContext;
import org.taskwire.internal.backend.BackendProvider;

/** The {@code local} backend, as {@code taskwire.backend=local} selects it. */
public final class LocalBackendProvider implements BackendProvider {
  @Override
  public String name() {
    return "local";
  }

  @Override
  public Backend create(BackendContext context) {
    return new LocalBackend(context);
  }
}
