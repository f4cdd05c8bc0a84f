package org.taskwire.testing.e2e;

import java.util.concurrent.TimeUnit;

/** The jobs a run has on the Slurm of {@link org.taskwire.testing.slurm.SlurmCluster}, as squeue lists them. */
final class SlurmHere {
  /** A run on this machine's Slurm in {@code mode}, polled often, its run directories under target/slurm. */
  static org.taskwire.testing.TaskwireExtension extension(
      java.util.function.Supplier<org.taskwire.WorkflowRun.Builder> builder, String mode) {
    return org.taskwire.testing.TaskwireExtension.of(builder).backend("slurm")
        .set("taskwire.slurm.mode", mode)
        .set("taskwire.slurm.poll-interval", "PT0.5S")
        .set("taskwire.slurm.result-grace", "2s")
        .set("taskwire.slurm.shared-dir", java.nio.file.Path.of("target", "slurm").toAbsolutePath().toString());
  }

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
