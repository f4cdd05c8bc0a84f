package org.taskwire.internal.backend;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.taskwire.ConfigurationException;
import org.taskwire.internal.config.ConfigKey;

/** Creates the backend that {@code taskwire.backend} names, from the providers on the class path. */
public final class Backends {
  private Backends() {}

  public static Backend create(String name, BackendContext context) {
    Map<String, BackendProvider> providers = new TreeMap<>();
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
      providers.putIfAbsent(p.name(), p);
    }
    BackendProvider provider = providers.get(name);
    if (provider == null) {
      throw new ConfigurationException("unknown backend '" + name + "' in " + ConfigKey.BACKEND.name()
          + ": the class path provides " + providers.keySet());
    }
    return provider.create(context);
  }
}
