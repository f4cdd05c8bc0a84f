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

  /** A provider that is a name, its keys and a constructor; subclasses only name them. */
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
