package org.taskwire.internal.backend.local;

import org.taskwire.internal.backend.BackendProvider;

/** The {@code local} backend, as {@code taskwire.backend=local} selects it. */
public final class LocalBackendProvider extends BackendProvider.Named {
  public LocalBackendProvider() {
    super("local", LocalBackend::new);
  }
}
