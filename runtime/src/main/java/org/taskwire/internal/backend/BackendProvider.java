package org.taskwire.internal.backend;

/**
 * A backend as a plug-in, found with {@link java.util.ServiceLoader} (listed in
 * {@code META-INF/services/org.taskwire.internal.backend.BackendProvider}) and chosen by
 * {@code taskwire.backend}: adding a backend touches no shared switch.
 */
public interface BackendProvider {
  /** The name {@code taskwire.backend} selects it by, e.g. {@code local}. */
  String name();

  /** Starts the backend for a run. */
  Backend create(BackendContext context);

  /** A provider that is a name and a constructor; subclasses only name them. */
  abstract class Named implements BackendProvider {
    private final String name;
    private final java.util.function.Function<BackendContext, Backend> factory;

    protected Named(String name, java.util.function.Function<BackendContext, Backend> factory) {
      this.name = name;
      this.factory = factory;
    }

    @Override
    public final String name() {
      return name;
    }

    @Override
    public final Backend create(BackendContext context) {
      return factory.apply(context);
    }
  }
}
