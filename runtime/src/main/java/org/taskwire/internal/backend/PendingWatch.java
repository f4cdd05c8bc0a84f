package org.taskwire.internal.backend;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Jobs a batch system holds for a reason no wait cures (a partition's limits, a node it does not
 * have): each may pend that way for a while, then its calls fail with the system's words rather
 * than wait for ever. The one watch for Slurm's jobs and its pilots alike.
 */
public final class PendingWatch {
  private final Duration timeout;
  /** The setting that moves the limit, named in the message. */
  private final String setting;
  /** When each job was first seen held so. */
  private final Map<String, Long> since = new ConcurrentHashMap<>();

  /** @param setting the configuration key of {@code timeout}, named in the message */
  public PendingWatch(Duration timeout, String setting) {
    this.timeout = timeout;
    this.setting = setting;
  }

  /**
   * Sees a job held for a reason no wait cures.
   *
   * @return why its calls fail once it has pended so for longer than the timeout, else null
   * @param account the job as people read it, with the system's reason
   */
  public String heldNoWaitCures(String jobId, String account) {
    long now = System.nanoTime();
    long first = since.computeIfAbsent(jobId, k -> now);
    if (now - first <= timeout.toNanos()) {
      return null;
    }
    since.remove(jobId);
    return account + ": pending for more than " + timeout + " (" + setting + ") for a reason no wait cures; change "
        + "the work's options (walltime, memoryMb, cores, queue) or the backend's settings so that it can run";
  }

  /** Forgets a job that runs, ended or was cancelled. */
  public void forget(String jobId) {
    since.remove(jobId);
  }
}
