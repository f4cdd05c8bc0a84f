package org.taskwire.internal.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.taskwire.ConfigurationException;
import org.taskwire.internal.config.ConfigKey;

/** The backends on the class path: the keys they read, and the one {@code taskwire.backend} names. */
public final class Backends {
  private Backends() {}

  /** The providers, by name, in the order their service files list them. */
  private static Map<String, BackendProvider> providers() {
    Map<String, BackendProvider> providers = new LinkedHashMap<>();
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
      providers.putIfAbsent(p.name(), p);
    }
    return providers;
  }

  /**
   * Every key the backends read, and {@code taskwire.backend} as a choice among them; passed to
   * {@link org.taskwire.internal.config.TaskwireConfig#load}, so that their keys are checked as
   * the others are.
   */
  public static List<ConfigKey<?>> configKeys() {
    Map<String, BackendProvider> providers = providers();
    List<ConfigKey<?>> keys = new ArrayList<>();
    keys.add(ConfigKey.choice(ConfigKey.BACKEND.name(), ConfigKey.BACKEND.defaultValue(),
        ConfigKey.BACKEND.description(), providers.keySet().toArray(String[]::new)));
    Map<String, String> owner = new LinkedHashMap<>();
    for (BackendProvider p : providers.values()) {
      for (ConfigKey<?> key : p.configKeys()) {
        String before = owner.putIfAbsent(key.name(), p.name());
        if (before != null) {
          throw new IllegalStateException("the backends " + before + " and " + p.name() + " both declare "
              + key.name());
        }
        keys.add(key);
      }
    }
    return List.copyOf(keys);
  }

  /** The provider of a backend, by name. */
  public static BackendProvider provider(String name) {
    Map<String, BackendProvider> providers = providers();
    BackendProvider provider = providers.get(name);
    if (provider == null) {
      throw new ConfigurationException("unknown backend '" + name + "' in " + ConfigKey.BACKEND.name()
          + ": the class path provides " + providers.keySet());
    }
    return provider;
  }

  public static Backend create(String name, BackendContext context) {
    Map<String, BackendProvider> providers = providers();
    BackendProvider provider = providers.get(name);
    if (provider == null) {
      throw new ConfigurationException("unknown backend '" + name + "' in " + ConfigKey.BACKEND.name()
          + ": the class path provides " + providers.keySet());
    }
    return provider.create(context);
  }
}
