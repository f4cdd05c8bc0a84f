package org.taskwire.wrapper;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import org.taskwire.internal.call.CallExecutor;

/**
 * The class path shipped with the calls, opened in a child class loader of the wrapper's own, so
 * the runtime's classes are shared and the registries found there implement the wrapper's SPI.
 */
final class ShippedClassPath {
  /** The class path cannot be opened or declares no work. */
  static final class Problem extends Exception {
    private static final long serialVersionUID = 1L;

    Problem(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final URLClassLoader loader;

  private ShippedClassPath(URLClassLoader loader) {
    this.loader = loader;
  }

  static ShippedClassPath open(String classpath) throws Problem {
    List<Path> entries = new ArrayList<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        entries.add(Path.of(entry));
      }
    }
    return open(entries);
  }

  static ShippedClassPath open(List<Path> entries) throws Problem {
    List<URL> urls = new ArrayList<>();
    for (Path path : entries) {
      if (!Files.exists(path)) {
        throw new Problem("class path entry " + path + " does not exist", null);
      }
      try {
        urls.add(path.toUri().toURL());
      } catch (MalformedURLException e) {
        throw new Problem("class path entry " + path + " is not a valid location", e);
      }
    }
    if (urls.isEmpty()) {
      throw new Problem("the class path is empty", null);
    }
    return new ShippedClassPath(new URLClassLoader("taskwire-shipped", urls.toArray(new URL[0]),
        RemoteWrapper.class.getClassLoader()));
  }

  /**
   * An executor over every registry on the class path; makes the shipped loader the context
   * class loader, as the work's libraries expect.
   */
  CallExecutor executor() throws Problem {
    CallExecutor executor;
    try {
      executor = CallExecutor.fromRegistries(loader);
    } catch (ServiceConfigurationError | LinkageError e) {
      throw new Problem("a work registry on the class path cannot be loaded: " + e.getMessage(), e);
    }
    if (executor.workflows().isEmpty()) {
      throw new Problem("no work registry on the class path (no META-INF/services/org.taskwire.spi.WorkRegistry): "
          + "was the Taskwire annotation processor run when the workflow was compiled?", null);
    }
    Thread.currentThread().setContextClassLoader(loader);
    return executor;
  }
}
