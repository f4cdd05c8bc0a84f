package org.taskwire.internal.backend;

import org.taskwire.ConfigurationException;
import org.taskwire.internal.backend.inprocess.InProcessBackend;
import org.taskwire.internal.backend.local.LocalBackend;
import org.taskwire.internal.config.ConfigKey;

/** Creates the backend that {@code taskwire.backend} names. */
public final class Backends {
  private Backends() {}

  public static Backend create(String name, BackendContext context) {
    switch (name) {
      case "inprocess":
        return new InProcessBackend(context);
      case "local":
        return new LocalBackend(context);
      case "panda":
        return new org.taskwire.internal.backend.panda.PandaBackend(context);
      default:
        throw new ConfigurationException("unknown backend '" + name + "' in " + ConfigKey.BACKEND.name()
            + ": expected one of " + ConfigKey.BACKEND.choices());
    }
  }
}
