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
  private static final org.taskwire.testing.internal.BundledService SERVICE = new org.taskwire.testing.internal.BundledService(
      "a single-node Slurm", SlurmCluster.class, "start-single-node-slurm.sh",
      java.util.stream.Stream.of("/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged")
          .map(java.nio.file.Path::of).toList(), 120, SlurmCluster::answers);

  private SlurmCluster() {}

  /**
   * Whether a Slurm answers, after starting a single-node one if none does and this machine can:
   * its packages installed ({@code slurmctld}, {@code slurmd}, {@code munged}) and this process root.
   * The start's output goes to standard error.
   */
  public static boolean answersOrStarts() {
    return SERVICE.answersOrStarts();
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
