package org.taskwire.internal.backend.serve;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.taskwire.internal.threads.DaemonThreads;

/**
 * Kills a worker whose running call goes past its walltime, which unblocks the read of its answers. It
 * runs on its own timer thread, so a kill never waits behind anything else.
 */
final class Watchdog {
  private final Runnable kill;
  private ScheduledFuture<?> timer;
  private volatile long firedOn = -1;

  /** @param kill ends the worker, which unblocks whoever reads its answers */
  Watchdog(Runnable kill) {
    this.kill = kill;
  }

  /** Gives the call now starting its full walltime, replacing the previous call's deadline. */
  synchronized void arm(long callId, java.time.Duration walltime) {
    disarm();
    timer = DaemonThreads.timer("taskwire-watchdog").schedule(() -> {
      firedOn = callId;
      kill.run();
    }, walltime.toNanos(), TimeUnit.NANOSECONDS);
  }

  synchronized void disarm() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** The call whose walltime killed the worker, or -1. */
  long firedOn() {
    return firedOn;
  }
}
