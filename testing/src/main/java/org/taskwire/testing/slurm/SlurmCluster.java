package org.taskwire.testing.slurm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The Slurm cluster this machine submits to, for tests that need one: enable them with
 * {@code @EnabledIf(value = "org.taskwire.testing.slurm.SlurmCluster#answers", disabledReason =
 * SlurmCluster.NOT_HERE)}, so that where no Slurm answers they are skipped, saying why. Taskwire's
 * {@code .ci/slurm-service} starts a single-node Slurm from Debian's {@code slurm-wlm} and
 * {@code munge}.
 */
public final class SlurmCluster {
  /** Why Slurm tests are skipped here. */
  public static final String NOT_HERE = "no Slurm cluster answers here: start one (Taskwire's .ci/slurm-service "
      + "starts a single-node Slurm from Debian's slurm-wlm and munge, as root)";

  private SlurmCluster() {}

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
