package org.taskwire.testing.e2e;

import java.util.concurrent.TimeUnit;

/**
 * Whether a Slurm cluster answers here ({@code sinfo} shows a node up), for the Slurm tests'
 * {@code @EnabledIf}; {@code .ci/slurm-service} starts a single-node one as root.
 */
final class SlurmHere {
  static final String WHY_NOT = "no Slurm cluster answers here: run .ci/slurm-service (as root) to start a "
      + "single-node Slurm from Debian's slurm-wlm and munge";

  private SlurmHere() {}

  static boolean up() {
    try {
      Process p = new ProcessBuilder("sinfo", "-h", "-o", "%T").redirectErrorStream(true).start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      return p.exitValue() == 0 && out.lines().anyMatch(l -> l.matches("(idle|mixed|allocated).*"));
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** What squeue lists of a run's jobs in the given states, one job id per line. */
  static java.util.List<String> jobs(String runId, String states) throws Exception {
    Process p = new ProcessBuilder("squeue", "-h", "-r", "--states=" + states, "--name=tw-" + runId, "-o", "%i|%T")
        .redirectErrorStream(true).start();
    p.waitFor(30, TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }
}
