package org.taskwire.testing.e2e;

import java.util.concurrent.TimeUnit;

/** The jobs a run has on the Slurm of {@link org.taskwire.testing.slurm.SlurmCluster}, as squeue lists them. */
final class SlurmHere {
  private SlurmHere() {}

  /** What squeue lists of a run's jobs in the given states, one job id per line. */
  static java.util.List<String> jobs(String runId, String states) throws Exception {
    Process p = new ProcessBuilder("squeue", "-h", "-r", "--states=" + states, "--name=tw-" + runId, "-o", "%i|%T")
        .redirectErrorStream(true).start();
    p.waitFor(30, TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }
}
