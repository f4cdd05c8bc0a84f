package org.taskwire.testing.slurm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The Slurm cluster this machine submits to, for tests that need one: enable them with
 * {@code @EnabledIf(value = "org.taskwire.testing.slurm.SlurmCluster#answersOrStarts",
 * disabledReason = SlurmCluster.NOT_HERE)}. Where no Slurm answers but Debian's {@code slurm-wlm}
 * and {@code munge} are installed and the tests run as root, that starts a single-node Slurm on
 * this machine (no cgroups, no accounting; partitions {@code debug}, the default, and
 * {@code short}, with a one-minute limit); elsewhere the tests are skipped, saying why. Use
 * {@link #answers} to never start one.
 */
public final class SlurmCluster {
  /** Why Slurm tests are skipped here. */
  public static final String NOT_HERE = "no Slurm cluster answers here, and none could be started: that needs "
      + "Debian's slurm-wlm and munge installed (apt-get install slurm-wlm munge) and the tests run as root";
  private static final String SCRIPT = "start-single-node-slurm.sh";
  /** Whether a start was tried in this JVM, and what came of it: tried once, not once per test class. */
  private static Boolean started;

  private SlurmCluster() {}

  /**
   * Whether a Slurm answers, after starting a single-node one if none does and this machine can:
   * its packages installed ({@code slurmctld}, {@code slurmd}, {@code munged}) and this process root.
   * The start's output goes to standard error.
   */
  public static synchronized boolean answersOrStarts() {
    if (answers()) {
      return true;
    }
    if (started == null) {
      started = canStart() && start() && answers();
    }
    return started;
  }

  /** Whether the cluster keeps accounting (slurmdbd), so that {@code sacct} answers. */
  public static boolean keepsAccounts() {
    try {
      Process p = new ProcessBuilder("scontrol", "show", "config").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.waitFor(10, TimeUnit.SECONDS) && out.lines()
          .anyMatch(l -> l.startsWith("AccountingStorageType") && l.contains("accounting_storage/slurmdbd"));
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean canStart() {
    return "root".equals(System.getProperty("user.name"))
        && java.util.stream.Stream.of("/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged")
            .allMatch(f -> java.nio.file.Files.isExecutable(java.nio.file.Path.of(f)));
  }

  private static boolean start() {
    try {
      java.nio.file.Path script = java.nio.file.Files.createTempFile("taskwire-slurm", ".sh");
      try (java.io.InputStream in = SlurmCluster.class.getResourceAsStream(SCRIPT)) {
        java.nio.file.Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
      boolean ended = p.waitFor(120, TimeUnit.SECONDS);
      java.nio.file.Files.deleteIfExists(script);
      if (!ended) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      System.err.println("taskwire: cannot start a single-node Slurm: " + e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Whether {@code sinfo} answers within 10 s and shows a node that can run jobs. */
  public static boolean answers() {
    try {
      Process p = new ProcessBuilder("sinfo", "-h", "-o", "%T").redirectErrorStream(true).start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.exitValue() == 0 && out.lines().anyMatch(l -> l.matches("(idle|mixed|allocated).*"));
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
