package org.taskwire.internal.backend.batch;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.taskwire.internal.backend.Task;
import org.taskwire.internal.backend.Failure;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.spi.JobOptions;

/**
 * What a batch system does for {@link BatchBackend}: submit, look, read records, kill. It keeps no
 * state about calls; the skeleton does, and reports to the collector. Its methods are called from
 * the skeleton's submitting and watching threads, one at a time each.
 */
public interface BatchSystem extends AutoCloseable {

  /** The system's name in messages: {@code PanDA}, {@code Slurm}. */
  String name();

  /**
   * Submits the calls of a task as one task of the system (a PanDA task, a Slurm array job), one
   * job per call in the task's order.
   *
   * @param name a name unique in the run, for the system's monitor
   * @param options the task's options, with the attempts the system may still make
   * @return the system's id of the task
   */
  String submit(Task task, String name, JobOptions options) throws IOException;

  /**
   * Called before the skeleton watches again tasks an earlier client of this run submitted: the
   * system tells jobs that start from now on where this client listens (PanDA: the run's secret).
   */
  default void reattaching() throws IOException {}

  /**
   * One look at a task: its status and the jobs not yet known final, or empty while the system
   * has not registered the task.
   *
   * @param finalJobs the jobs of the task already seen final, which need no look
   */
  Optional<TaskLook> look(SubmittedTask task, Set<String> finalJobs);

  /**
   * What finished jobs recorded of their results (PanDA's job metadata, a result file on Slurm's
   * shared file system), for jobs whose message did not come. A job missing from the answer has
   * no record yet.
   */
  Map<String, JobRecord> records(SubmittedTask task, Collection<String> jobIds);

  /** Kills a task; throws when the system refuses, e.g. because it does not know the task yet. */
  void killTask(String taskId);

  /** Whether the system knows the task, so that killing it can succeed. */
  boolean registered(String taskId);

  /** Kills jobs, of any task. */
  void killJobs(List<String> jobIds);

  /** Removes what the run left on the system (a secret); tasks are killed before. */
  @Override
  void close();

  /** A task as submitted, with how the run counts its attempts. */
  record SubmittedTask(String id, Task task, int attemptOffset, int maxAttempts) {
    /** The run's attempt of a job that is the system's {@code systemAttempt}-th try of its call. */
    public int attemptOf(int systemAttempt) {
      return attemptOffset + systemAttempt;
    }
  }

  /** A look at a task. */
  record TaskLook(String status, boolean isFinal, List<Job> jobs) {}

  /** Where a job is in its life. */
  enum Phase {
    WAITING, RUNNING, FINISHED, FAILED, CANCELLED,
    /** Ended with no outcome of its own (PanDA's closed job): its task's end tells what became of the call. */
    GONE;

    /** Whether the job will not change any more. */
    public boolean isFinal() {
      return this != WAITING && this != RUNNING;
    }
  }

  /**
   * One job as the system sees it.
   *
   * @param callId the call it runs
   * @param attempt the run's attempt it is
   * @param systemRetries whether the system starts another job for the call by itself (PanDA's
   *     retry of a failed job)
   * @param account the system's account of the job, for people: its id, attempt and error codes
   * @param failure for a failed or cancelled job, the system's own account of why, used when the
   *     worker reported nothing
   * @param logLocation where the job's log is, if known
   */
  record Job(String id, long callId, Phase phase, int attempt, boolean systemRetries, String account,
      Failure failure, String logLocation) {}

  /** What a finished job recorded: its result, or why there is none. Exactly one is set. */
  record JobRecord(ResultEnvelope result, Failure missing) {
    public JobRecord {
      if ((result == null) == (missing == null)) {
        throw new IllegalArgumentException("a job record holds a result or says why it has none");
      }
    }
  }
}
