package org.taskwire.testing.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A service the tests need on this machine (a Slurm, a storage element), started at most once per
 * JVM by a script bundled with the testing kit, where it does not answer yet and this machine can
 * start it (the script's programs installed, and root).
 */
public final class BundledService {
  private final String name;
  private final Class<?> owner;
  private final String script;
  private final List<Path> programs;
  private final int timeoutSeconds;
  private final BooleanSupplier answers;
  /** Whether a start was tried in this JVM, and what came of it: tried once, not once per test class. */
  private Boolean started;

  /**
   * @param script a resource next to {@code owner}
   * @param programs what must be installed for the script to work
   */
  public BundledService(String name, Class<?> owner, String script, List<Path> programs, int timeoutSeconds,
      BooleanSupplier answers) {
    this.name = name;
    this.owner = owner;
    this.script = script;
    this.programs = List.copyOf(programs);
    this.timeoutSeconds = timeoutSeconds;
    this.answers = answers;
  }

  /** Whether the service answers, after starting it if it does not and this machine can; the start's output goes to standard error. */
  public synchronized boolean answersOrStarts() {
    if (answers.getAsBoolean()) {
      return true;
    }
    if (started == null) {
      started = canStart() && start() && answers.getAsBoolean();
    }
    return started;
  }

  private boolean canStart() {
    return "root".equals(System.getProperty("user.name")) && programs.stream().allMatch(Files::isExecutable);
  }

  private boolean start() {
    try {
      Path copy = Files.createTempFile("taskwire-service", ".sh");
      try (InputStream in = owner.getResourceAsStream(script)) {
        Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
      }
      Process p = new ProcessBuilder("bash", copy.toString()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
      boolean ended = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
      Files.deleteIfExists(copy);
      if (!ended) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      System.err.println("taskwire: cannot start " + name + ": " + e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
