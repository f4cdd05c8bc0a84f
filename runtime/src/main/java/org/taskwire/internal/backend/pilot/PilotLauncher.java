package org.taskwire.internal.backend.pilot;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/** Starts, lists and cancels a run's pilot jobs on one batch system. */
public interface PilotLauncher extends AutoCloseable {

  /** The batch system's name, for messages. */
  String name();

  /**
   * Tells pilots where the client takes them; called once the pool listens, and again by a
   * resumed client, so that the pilots of the one before find it.
   *
   * @param environment the run's result transport and the pilots' address
   */
  void open(Map<String, String> environment) throws IOException;

  /**
   * Submits {@code count} pilots of a shape, none on an excluded node.
   *
   * @return the job ids
   * @throws IOException with the batch system's own words when it refuses them
   */
  Collection<String> submit(PilotShape shape, int count, Duration walltime, Set<String> excludedNodes)
      throws IOException;

  /** The run's pilot jobs the batch system knows, by job id; null when it could not be asked this time. */
  Map<String, PilotJob> look();

  /** How the batch system describes one pilot job now, for a message about its end. */
  String describe(String job);

  /** Where a pilot job's log is. */
  Path logOf(String job);

  /** Cancels some pilot jobs. */
  void cancel(Collection<String> jobs);

  /** Cancels every pilot job of the run, and stops pilots from finding the client again. */
  @Override
  void close();

  /**
   * A pilot job as its batch system lists it.
   *
   * @param hopeless pending for a reason no wait cures (a request above a partition's or account's limit)
   */
  record PilotJob(String id, String shapeKey, Phase phase, String state, String reason, String node, boolean hopeless) {}

  /** Where a pilot job is in its life. */
  enum Phase {
    /** Queued, not running yet. */
    WAITING,
    /** Running (its JVM may not have connected yet). */
    RUNNING,
    /** Ended normally or by a cancel. */
    ENDED,
    /** Ended because its node failed, or it was preempted: its node gets no more pilots. */
    NODE_LOST
  }
}
