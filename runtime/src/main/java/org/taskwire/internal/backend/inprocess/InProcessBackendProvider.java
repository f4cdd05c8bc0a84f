package org.taskwire.internal.backend.inprocess;

import java.util.List;
import org.taskwire.internal.backend.BackendProvider;
import org.taskwire.internal.config.ConfigKey;

/** The {@code inprocess} backend, as {@code taskwire.backend=inprocess} selects it, and the key it reads. */
public final class InProcessBackendProvider extends BackendProvider.Named {
  public static final ConfigKey<Integer> THREADS = ConfigKey.positiveInt("taskwire.inprocess.threads",
      "number of cores", () -> Runtime.getRuntime().availableProcessors(), "Threads of the in-process backend.");

  public InProcessBackendProvider() {
    super("inprocess", InProcessBackend::new, List.of(THREADS));
  }
}
