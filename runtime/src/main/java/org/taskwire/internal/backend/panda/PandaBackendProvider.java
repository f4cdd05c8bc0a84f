package org.taskwire.internal.backend.panda;

import org.taskwire.internal.backend.BackendProvider;

/** The {@code panda} backend, as {@code taskwire.backend=panda} selects it. */
public final class PandaBackendProvider extends BackendProvider.Named {
  public PandaBackendProvider() {
    super("panda", PandaSystem::backend);
  }
}
