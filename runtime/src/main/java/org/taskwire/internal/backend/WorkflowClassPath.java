package org.taskwire.internal.backend;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.taskwire.ConfigurationException;
import org.taskwire.internal.config.ConfigKey;
import org.taskwire.internal.config.TaskwireConfig;
import org.taskwire.spi.WorkflowDefinition;

/**
 * The class path that workers and sandboxes need: the one the workflow's classes were actually
 * loaded from. {@code java.class.path} is not it under {@code mvn exec:java} (it is Maven's
 * launcher there) nor under a manifest-only jar (one jar whose manifest lists the rest), so the
 * workflow class's loader chain is walked instead: URL class loaders give their URLs, the
 * application class loader gives {@code java.class.path} with manifest {@code Class-Path}
 * entries followed. Any other kind of loader cannot be read, and {@link #resolve} says what to
 * set instead.
 */
public final class WorkflowClassPath {
  static final String WRAPPER_CLASS = "org/taskwire/wrapper/RemoteWrapper.class";

  private WorkflowClassPath() {}

  /**
   * The workers' class path for this run, absolute entries in order: {@code taskwire.local.classpath}
   * when set, else where the workflow's classes were loaded from.
   *
   * @throws ConfigurationException if it cannot be told, or lacks the remote wrapper
   */
  public static List<Path> resolve(BackendContext context) {
    String configured = context.config().get(ConfigKey.LOCAL_CLASSPATH);
    if (!configured.isEmpty()) {
      return absolute(List.of(configured.split(File.pathSeparator)));
    }
    String workflowClass = context.workflow().workflowClass();
    ClassLoader loader = loaderOf(workflowClass);
    List<Path> entries = of(loader, workflowClass);
    requireWrapper(loader, workflowClass);
    return entries;
  }

  /** The class path a run's code comes from, as {@link #resolve} tells it, whether or not it can start workers. */
  public static List<Path> of(TaskwireConfig config, WorkflowDefinition workflow) {
    String configured = config.get(ConfigKey.LOCAL_CLASSPATH);
    if (!configured.isEmpty()) {
      return absolute(List.of(configured.split(File.pathSeparator)));
    }
    return of(loaderOf(workflow.workflowClass()), workflow.workflowClass());
  }

  private static void requireWrapper(ClassLoader loader, String workflowClass) {
    if (loader.getResource(WRAPPER_CLASS) == null) {
      throw new ConfigurationException("workers run org.taskwire.wrapper.RemoteWrapper, which is not on the class "
          + "path " + workflowClass + " was loaded from: add the dependency org.taskwire:taskwire-remote-wrapper "
          + "(scope runtime), or set " + ConfigKey.BACKEND.name() + "=inprocess");
    }
  }

  /** The entries {@code loader} reads classes from, or a {@link ConfigurationException} saying what to do. */
  static List<Path> of(ClassLoader loader, String forClass) {
    Set<Path> entries = new LinkedHashSet<>();
    ClassLoader system = ClassLoader.getSystemClassLoader();
    ClassLoader platform = ClassLoader.getPlatformClassLoader();
    List<ClassLoader> chain = new ArrayList<>();
    for (ClassLoader l = loader; l != null && l != platform; l = l.getParent()) {
      chain.add(l);
    }
    // Parents first, as class loading delegates: the first entry that holds a class wins.
    for (int i = chain.size() - 1; i >= 0; i--) {
      ClassLoader l = chain.get(i);
      if (l == system) {
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
          if (!e.isEmpty()) {
            addWithManifest(entries, Path.of(e).toAbsolutePath().normalize());
          }
        }
      } else if (l instanceof URLClassLoader urls) {
        for (URL url : urls.getURLs()) {
          addWithManifest(entries, fileOf(url, forClass));
        }
      } else {
        throw cannotTell(forClass, "it was loaded by " + l.getClass().getName() + ", a class loader whose class "
            + "path cannot be read");
      }
    }
    if (entries.isEmpty()) {
      throw cannotTell(forClass, "its class loader lists no class path entries");
    }
    return List.copyOf(entries);
  }

  /**
   * The loader that holds the workflow class, tried from this thread's context loader, then
   * Taskwire's own.
   *
   * @throws ConfigurationException if neither finds it
   */
  public static ClassLoader loaderOf(String workflowClass) {
    List<ClassLoader> candidates = new ArrayList<>();
    if (Thread.currentThread().getContextClassLoader() != null) {
      candidates.add(Thread.currentThread().getContextClassLoader());
    }
    candidates.add(WorkflowClassPath.class.getClassLoader());
    for (ClassLoader candidate : candidates) {
      try {
        ClassLoader loader = Class.forName(workflowClass, false, candidate).getClassLoader();
        if (loader != null) {
          return loader;
        }
      } catch (ClassNotFoundException | LinkageError e) {
        // try the next
      }
    }
    throw cannotTell(workflowClass, "the class cannot be found from this thread's context class loader");
  }

  private static Path fileOf(URL url, String forClass) {
    if (!"file".equals(url.getProtocol())) {
      throw cannotTell(forClass, "its class loader reads from " + url + ", which is not a local file");
    }
    try {
      return Path.of(url.toURI()).toAbsolutePath().normalize();
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw cannotTell(forClass, "its class loader reads from " + url + ", which is not a usable file name");
    }
  }

  /** Adds an entry, then the entries its manifest's {@code Class-Path} names, as the JVM would. */
  private static void addWithManifest(Set<Path> entries, Path entry) {
    if (!entries.add(entry) || !Files.isRegularFile(entry)) {
      return;
    }
    try (JarFile jar = new JarFile(entry.toFile())) {
      Manifest manifest = jar.getManifest();
      String classPath = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
      if (classPath == null) {
        return;
      }
      for (String item : classPath.trim().split("\\s+")) {
        if (item.isEmpty()) {
          continue;
        }
        try {
          URL url = new URL(entry.getParent().toUri().toURL(), item);
          if ("file".equals(url.getProtocol())) {
            Path p = Path.of(url.toURI()).toAbsolutePath().normalize();
            if (Files.exists(p)) {
              addWithManifest(entries, p);
            }
          }
        } catch (IOException | URISyntaxException | IllegalArgumentException e) {
          // An entry the JVM would skip as well.
        }
      }
    } catch (IOException e) {
      // Not a jar: the JVM skips it too.
    }
  }

  private static List<Path> absolute(List<String> entries) {
    // Workers run in their own directories, so relative entries (java -cp target/app.jar) must be made absolute.
    return entries.stream().filter(e -> !e.isEmpty()).map(e -> Path.of(e).toAbsolutePath().normalize()).toList();
  }

  private static ConfigurationException cannotTell(String workflowClass, String why) {
    return new ConfigurationException("cannot tell which class path " + workflowClass + " was loaded from (" + why
        + "), so workers could not load it: set " + ConfigKey.LOCAL_CLASSPATH.name() + " to the class path, e.g. "
        + "the output of 'mvn -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout' plus target/classes, "
        + "or run the workflow with 'java -cp'");
  }

  /** Entries joined with the platform's path separator. */
  public static String join(List<Path> entries) {
    return String.join(File.pathSeparator, entries.stream().map(Path::toString).toList());
  }
}
