package org.taskwire.internal.backend.pilot;

import org.taskwire.spi.JobOptions;

/**
 * What a pilot job asks its batch system for, beyond its walltime: calls run only on pilots of
 * their own shape. Options left unset take Taskwire's built-in defaults.
 *
 * @param queue the partition or queue, null for the batch system's default
 * @param initEnv shell lines run before the pilot's JVM starts, null for none
 */
public record PilotShape(String queue, int memoryMb, int cores, String initEnv) {

  public static PilotShape of(JobOptions options) {
    return new PilotShape(blankToNull(options.queue()),
        options.memoryMb() == null ? JobOptions.BUILT_IN.memoryMb() : options.memoryMb(),
        options.cores() == null ? JobOptions.BUILT_IN.cores() : options.cores(), blankToNull(options.initEnv()));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  /** A short name for the shape, safe in a job's comment and on a command line. */
  public String key() {
    return "q" + (queue == null ? "" : queue.replaceAll("[^A-Za-z0-9_.-]", "_")) + "-m" + memoryMb + "-c" + cores
        + (initEnv == null ? "" : "-e" + Integer.toHexString(initEnv.hashCode()));
  }

  /** The options a pilot job of this shape is submitted with. */
  public JobOptions options() {
    return JobOptions.builder().queue(queue).memoryMb(memoryMb).cores(cores).initEnv(initEnv).build();
  }
}
