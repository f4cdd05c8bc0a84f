package org.taskwire.internal.backend.panda;

import org.taskwire.internal.backend.Backend;
import org.taskwire.internal.backend.BackendContext;
import org.taskwire.internal.backend.BackendProvider;

/** The {@code panda} backend, as {@code taskwire.backend=panda} selects it. */
public final class PandaBackendProvider implements BackendProvider {
  @Override
  public String name() {
    return "panda";
  }

  @Override
  public Backend create(BackendContext context) {
    return new PandaBackend(context);
  }
}
