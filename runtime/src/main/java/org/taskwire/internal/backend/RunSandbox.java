package org.taskwire.internal.backend;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.taskwire.ConfigurationException;
import org.taskwire.internal.config.ConfigKey;
import org.taskwire.internal.config.TaskwireConfig;
import org.taskwire.internal.sandbox.Sandbox;
import org.taskwire.internal.sandbox.SandboxBuilder;

/**
 * The sandbox of a run: its class path packed by {@link SandboxBuilder} into
 * {@code taskwire.sandbox.cache-dir}, without what {@code @Workflow(excludes)} and
 * {@code taskwire.sandbox.excludes} leave out.
 */
public final class RunSandbox {
  private RunSandbox() {}

  /** Builds (or finds, when nothing changed) the sandbox of this class path. */
  public static Sandbox build(BackendContext context, String classpath) {
    SandboxBuilder builder = SandboxBuilder.forClasspath(classpath).cacheDirectory(cacheDirectory(context.config()));
    List<String> excludes = new ArrayList<>(context.workflow().excludes());
    for (String glob : context.config().get(ConfigKey.SANDBOX_EXCLUDES).split(",")) {
      if (!glob.isBlank()) {
        excludes.add(glob.trim());
      }
    }
    try {
      excludes.forEach(builder::exclude);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("malformed sandbox exclude: " + e.getMessage(), e);
    }
    return builder.build();
  }

  /** Where sandboxes and remembered file hashes are kept. */
  public static Path cacheDirectory(TaskwireConfig config) {
    String dir = config.get(ConfigKey.SANDBOX_CACHE_DIR);
    if (dir.isBlank()) {
      return Path.of(System.getProperty("user.home"), ".taskwire", "sandboxes");
    }
    return dir.startsWith("~/") ? Path.of(System.getProperty("user.home"), dir.substring(2)) : Path.of(dir);
  }
}
