package org.taskwire.internal.backend;

import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.ConfigurationException;
import org.taskwire.internal.config.ConfigKey;
import org.taskwire.internal.config.TaskwireConfig;
import org.taskwire.internal.sandbox.Sandbox;
import org.taskwire.internal.sandbox.SandboxBuilder;
import org.taskwire.spi.WorkflowDefinition;

/**
 * The sandbox of a run: its class path packed by {@link SandboxBuilder} into
 * {@code taskwire.sandbox.cache-dir}, without what {@code @Workflow(excludes)} and
 * {@code taskwire.sandbox.excludes} leave out, and without the jars only Taskwire's client uses.
 */
public final class RunSandbox {
  private static final Logger LOG = LoggerFactory.getLogger(RunSandbox.class);

  /**
   * A class of each jar only the client loads: the embedded ActiveMQ broker (3.7 MB that no
   * worker uses) and the progress bar. The same jars the wrapper's own artifact leaves out.
   */
  private static final List<String> CLIENT_ONLY = List.of(
      "org/apache/activemq/broker/BrokerService.class",
      "org/apache/activemq/ActiveMQConnectionFactory.class",
      "org/apache/activemq/transport/stomp/StompTransportFilter.class",
      "org/apache/activemq/openwire/v2/ActiveMQDestinationMarshaller.class",
      "org/fusesource/hawtbuf/Buffer.class",
      "me/tongfei/progressbar/ProgressBar.class");

  private RunSandbox() {}

  /** Builds (or finds, when nothing changed) the sandbox of this class path. */
  public static Sandbox build(BackendContext context, String classpath) {
    return builder(context.config(), context.workflow(), classpath).build();
  }

  /**
   * The key of what a run's sandbox holds (its class path's files, as a run would ship them):
   * {@code taskwire.code-version=sandbox}.
   */
  public static String contentKey(TaskwireConfig config, WorkflowDefinition workflow) {
    return builder(config, workflow, WorkflowClassPath.join(WorkflowClassPath.of(config, workflow))).contentKey();
  }

  private static SandboxBuilder builder(TaskwireConfig config, WorkflowDefinition workflow, String classpath) {
    Set<Path> clientOnly = clientOnlyJars(RunSandbox.class.getClassLoader(), workflow.workflowClass());
    StringJoiner shipped = new StringJoiner(File.pathSeparator);
    for (String entry : classpath.split(File.pathSeparator)) {
      if (!entry.isBlank() && !clientOnly.contains(normal(Path.of(entry)))) {
        shipped.add(entry);
      }
    }
    if (shipped.length() == 0) {
      throw new ConfigurationException("the sandbox of " + workflow.workflowClass() + " would hold no class path: "
          + "its class path is '" + classpath + "'; set " + ConfigKey.LOCAL_CLASSPATH.name() + " to the class path "
          + "workers need");
    }
    LOG.debug("the sandbox leaves out the client's own jars {}", clientOnly);
    SandboxBuilder builder = SandboxBuilder.forClasspath(shipped.toString()).cacheDirectory(cacheDirectory(config));
    List<String> excludes = new ArrayList<>(workflow.excludes());
    for (String glob : config.get(ConfigKey.SANDBOX_EXCLUDES).split(",")) {
      if (!glob.isBlank()) {
        excludes.add(glob.trim());
      }
    }
    try {
      excludes.forEach(builder::exclude);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("malformed sandbox exclude: " + e.getMessage(), e);
    }
    return builder;
  }

  /**
   * The jars, as loaded here, that hold the client-only classes and nothing workers need: a
   * shaded or assembled jar holds the broker next to the workflow and the wrapper, and ships whole.
   */
  static Set<Path> clientOnlyJars(ClassLoader loader, String workflowClass) {
    Set<Path> needed = new HashSet<>();
    jarOf(loader.getResource(WorkflowClassPath.WRAPPER_CLASS)).ifPresent(needed::add);
    try {
      ClassLoader workflowLoader = WorkflowClassPath.loaderOf(workflowClass);
      jarOf(workflowLoader.getResource(workflowClass.replace('.', '/') + ".class")).ifPresent(needed::add);
    } catch (ConfigurationException e) {
      LOG.debug("cannot find {} to keep its jar: {}", workflowClass, e.getMessage());
    }
    Set<Path> jars = new HashSet<>();
    for (String resource : CLIENT_ONLY) {
      jarOf(loader.getResource(resource)).filter(jar -> !needed.contains(jar)).ifPresent(jars::add);
    }
    return jars;
  }

  private static java.util.Optional<Path> jarOf(URL url) {
    if (url == null || !"jar".equals(url.getProtocol())) {
      return java.util.Optional.empty();
    }
    String file = url.getPath();
    try {
      return java.util.Optional.of(normal(Path.of(new URI(file.substring(0, file.indexOf("!/"))))));
    } catch (URISyntaxException | IllegalArgumentException | IndexOutOfBoundsException e) {
      LOG.debug("cannot tell the jar of {}: {}", url, e.getMessage());
      return java.util.Optional.empty();
    }
  }

  private static Path normal(Path p) {
    return p.toAbsolutePath().normalize();
  }

  /** Where sandboxes and remembered file hashes are kept. */
  public static Path cacheDirectory(TaskwireConfig config) {
    if (config.get(ConfigKey.SANDBOX_CACHE_DIR).isBlank()) {
      return Path.of(System.getProperty("user.home"), ".taskwire", "sandboxes");
    }
    return config.path(ConfigKey.SANDBOX_CACHE_DIR);
  }
}
