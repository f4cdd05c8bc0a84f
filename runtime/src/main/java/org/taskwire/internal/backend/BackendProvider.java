package org.taskwire.internal.backend;

import java.util.List;
import java.util.function.Function;
import org.taskwire.internal.config.ConfigKey;

/**
 * A backend as a plug-in, found with {@link java.util.ServiceLoader} (listed in
 * {@code META-INF/services/org.taskwire.internal.backend.BackendProvider}) and chosen by
 * {@code taskwire.backend}: its name, its configuration keys with their defaults and docs, and a
 * factory. Adding a backend touches no shared switch and no shared list of keys.
 */
public interface BackendProvider {
  /** The name {@code taskwire.backend} selects it by, e.g. {@code local}. */
  String name();

  /** The keys only this backend reads, e.g. {@code taskwire.local.workers}; checked like every key. */
  List<ConfigKey<?>> configKeys();

  /** Starts the backend for a run. */
  Backend create(BackendContext context);

  /** Whether this backend ships the run's code as a sandbox, whose key the run's journal then records. */
  default boolean shipsSandbox(org.taskwire.internal.config.TaskwireConfig config) {
    return false;
  }

  /**
   * Kills what a run whose client is gone still has running, found by the handles its
   * {@link CallEvent.Submitted} events gave (the {@code taskwire kill} command).
   *
   * @param runId the run, whose own traces on the backend (PanDA's secret) go too
   * @param config the run's recorded configuration, with this machine's secrets
   * @return what was killed, one line each, for people
   */
  default java.util.List<String> kill(String runId, org.taskwire.internal.config.TaskwireConfig config,
      java.util.Collection<java.util.Map<String, String>> handles) {
    return java.util.List.of();
  }

  /** A provider that is a name, its keys and a constructor; subclasses only name them, and may kill. */
  abstract class Named implements BackendProvider {
    private final String name;
    private final Function<BackendContext, Backend> factory;
    private final List<ConfigKey<?>> keys;

    protected Named(String name, Function<BackendContext, Backend> factory, List<ConfigKey<?>> keys) {
      this.name = name;
      this.factory = factory;
      this.keys = List.copyOf(keys);
    }

    @Override
    public final String name() {
      return name;
    }

    @Override
    public final List<ConfigKey<?>> configKeys() {
      return keys;
    }

    @Override
    public final Backend create(BackendContext context) {
      return factory.apply(context);
    }
  }
}
