package org.taskwire.internal.backend.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.Definitions;
import org.taskwire.FailureKind;
import org.taskwire.WorkFailedException;
import org.taskwire.annotations.Codec;
import org.taskwire.internal.backend.BackendContext;
import org.taskwire.internal.backend.Backends;
import org.taskwire.internal.backend.Task;
import org.taskwire.internal.backend.Cause;
import org.taskwire.internal.backend.Failure;
import org.taskwire.internal.backend.batch.BatchSystem.Job;
import org.taskwire.internal.backend.batch.BatchSystem.JobRecord;
import org.taskwire.internal.backend.batch.BatchSystem.Phase;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.call.RemoteError;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.codec.Codecs;
import org.taskwire.internal.codec.PayloadCodec;
import org.taskwire.internal.config.TaskwireConfig;
import org.taskwire.internal.run.CallCollector;
import org.taskwire.internal.transport.message.ResultIdentity;
import org.taskwire.internal.run.PendingCall;
import org.taskwire.internal.run.TaskProgress;
import org.taskwire.spi.JobOptions;

/**
 * The batch skeleton over a scripted batch system (the test plays the system's part: which jobs
 * exist and in what state), with the run's real collector and result transport: retries decided
 * by the collector ride on the system's own retry job or become a task of their own, a finished
 * job's record gives the result that never came, and jobs of calls given up on are killed.
 */
class BatchBackendTest {
  private static final String RUN = "0123456789abcdef0123456789abcdef";
  private final PayloadCodec codec = Codecs.of(Definitions.GEOMETRY, Codec.KRYO);
  private final ScriptedSystem system = new ScriptedSystem();
  private final CallCollector collector = new CallCollector(RUN);
  private BatchBackend backend;

  @BeforeEach
  void start(@TempDir Path home) {
    Properties none = new Properties();
    TaskwireConfig config = TaskwireConfig.load(new TaskwireConfig.Sources(getClass().getClassLoader(), home, Map.of(),
        none), Definitions.GEOMETRY, Map.of(), Backends.configKeys());
    BackendContext context = new BackendContext(RUN, config, Definitions.GEOMETRY, List.of(Definitions.GEOMETRY),
        collector, ResultIdentity.random());
    backend = new BatchBackend(context, new BatchBackend.Timing(Duration.ofMillis(20), Duration.ofMillis(50),
        Duration.ofSeconds(1), Duration.ZERO), transport -> system);
    collector.attach(backend);
  }

  @AfterEach
  void stop() {
    backend.close();
  }

  private PendingCall submit(long callId, int maxAttempts) {
    CallEnvelope envelope = new CallEnvelope(RUN, callId, 1, Definitions.GREET.id(), "kryo",
        codec.encodeArguments(Definitions.GREET, new Definitions.NameArgs("n" + callId)));
    JobOptions options = JobOptions.builder().maxAttempts(maxAttempts).build();
    Task task = new Task(callId, Definitions.GEOMETRY, Definitions.GREET, options, List.of(envelope));
    PendingCall call = new PendingCall(task, envelope, codec, maxAttempts, new TaskProgress(1));
    collector.track(call);
    backend.submit(task);
    return call;
  }

  private ResultEnvelope success(long callId, String value) {
    // As a grid worker sends it: it does not know its attempt.
    return new ResultEnvelope(RUN, callId, 1, codec.encodeResult(Definitions.GREET, value), null, 0, 0);
  }

  private static Job job(String id, long callId, Phase phase, int attempt, boolean systemRetries) {
    boolean failed = phase == Phase.FAILED || phase == Phase.CANCELLED;
    return new Job(id, callId, phase, attempt, systemRetries, "job " + id + " (attempt " + attempt + ")",
        failed ? Failure.of(Cause.Seen.WORKER_DIED, "job " + id + " died") : null, failed ? "log/" + id : null);
  }

  @Test
  void aRetryTheSystemDoesNotMakeItselfIsATaskOfItsOwnWithTheAttemptsLeft() throws Exception {
    PendingCall call = submit(1, 3);
    String first = system.awaitSubmission(0).id;
    assertThat(system.submission(0).options.maxAttempts()).isEqualTo(3);
    system.jobs(first, job("j1", 1, Phase.FAILED, 1, false));

    Submission retry = system.awaitSubmission(1);
    assertThat(retry.name).endsWith(".1.retry1");
    assertThat(retry.options.maxAttempts()).as("the attempts left").isEqualTo(2);
    assertThat(retry.task.calls()).extracting(CallEnvelope::attempt).containsExactly(2);

    system.jobs(retry.id, job("j2", 1, Phase.FINISHED, 2, false));
    system.record("j2", new JobRecord(success(1, "from the record"), null));
    assertThat(call.future().get()).isEqualTo("from the record");
    assertThat(system.submissions).hasSize(2);
  }

  @Test
  void aRetryRidesOnTheJobTheSystemStartsItself() throws Exception {
    PendingCall call = submit(2, 3);
    String task = system.awaitSubmission(0).id;
    system.jobs(task, job("j1", 2, Phase.FAILED, 1, true));
    await(() -> collector.awaiting(2, 2) && !collector.awaiting(2, 1));
    system.jobs(task, job("j1", 2, Phase.FAILED, 1, true), job("j2", 2, Phase.FINISHED, 2, false));
    system.record("j2", new JobRecord(success(2, "from the retry job"), null));
    assertThat(call.future().get()).isEqualTo("from the retry job");
    assertThat(system.submissions).as("no task of its own for the retry").hasSize(1);
  }

  @Test
  void aJobTheSystemStartsForACallGivenUpOnIsKilled() throws Exception {
    PendingCall call = submit(3, 3);
    String task = system.awaitSubmission(0).id;
    Job failed = new Job("j1", 3, Phase.FAILED, 1, true, "job j1 (attempt 1 of 3) failed",
        Failure.reported(RemoteError.of(FailureKind.BAD_PAYLOAD, "unreadable call")), null);
    system.jobs(task, failed);
    assertThat(call.future().handle((v, e) -> e).get()).isInstanceOfSatisfying(WorkFailedException.class, e -> {
      assertThat(e.kind()).isEqualTo(FailureKind.BAD_PAYLOAD);
      assertThat(e.attempt()).isEqualTo(1);
    });
    system.jobs(task, failed, job("j2", 3, Phase.WAITING, 2, false));
    await(() -> system.killedJobs.contains("j2"));
    assertThat(system.submissions).hasSize(1);
  }

  /**
   * A user's class path with a library too old for Taskwire makes its submission throw an Error,
   * not an exception: the calls fail at once with it, and the next submission still goes out.
   */
  @Test
  void anErrorWhileSubmittingFailsTheTasksCallsAtOnceWithIt() throws Exception {
    system.submitError = new NoClassDefFoundError("org/apache/commons/lang3/SystemProperties");
    PendingCall call = submit(6, 3);
    assertThat(call.future().handle((v, e) -> e).get(30, java.util.concurrent.TimeUnit.SECONDS))
        .isInstanceOfSatisfying(WorkFailedException.class, e -> {
          assertThat(e.kind()).isEqualTo(FailureKind.BACKEND);
          assertThat(e.remoteMessage()).contains("NoClassDefFoundError", "org/apache/commons/lang3/SystemProperties");
        });
    system.submitError = null;
    submit(7, 3);
    assertThat(system.awaitSubmission(0).task.calls()).extracting(CallEnvelope::callId).containsExactly(7L);
  }

  @Test
  void aTaskThatEndsWithoutRunningACallFailsIt() throws Exception {
    PendingCall call = submit(4, 1);
    String task = system.awaitSubmission(0).id;
    system.finalStatus(task, "broken");
    assertThat(call.future().handle((v, e) -> e).get()).isInstanceOfSatisfying(WorkFailedException.class, e -> {
      assertThat(e.kind()).isEqualTo(FailureKind.BACKEND);
      assertThat(e.remoteMessage()).contains("Scripted task " + task + " ended 'broken' without running call 4");
    });
  }

  @Test
  void closingKillsTheTasksWithCallsStillWanted() throws Exception {
    submit(5, 1);
    String task = system.awaitSubmission(0).id;
    system.jobs(task, job("j1", 5, Phase.RUNNING, 1, false));
    await(() -> system.looks > 1);
    backend.close();
    assertThat(system.killedTasks).containsExactly(task);
    assertThat(system.closed).isTrue();
  }

  /** The poll interval is 20 ms; a scheduled look never comes early, so the gaps bound the back-off from below. */
  @Test
  void whileNothingChangesTheWatcherLooksLessOften() throws Exception {
    submit(1, 1);
    String task = system.awaitSubmission(0).id;
    system.jobs(task, job("j1", 1, Phase.RUNNING, 1, false));
    await(() -> system.lookTimes.size() >= 8);
    List<Long> times = List.copyOf(system.lookTimes);
    long lastGap = times.get(times.size() - 1) - times.get(times.size() - 2);
    assertThat(Duration.ofNanos(lastGap)).as("a task whose jobs do not change is looked at up to 4 intervals apart")
        .isGreaterThanOrEqualTo(Duration.ofMillis(60));
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not met within 10 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private record Submission(String id, Task task, String name, JobOptions options) {}

  /** A batch system whose jobs are what the test says they are. */
  private static final class ScriptedSystem implements BatchSystem {
    final List<Submission> submissions = new CopyOnWriteArrayList<>();
    final Map<String, List<Job>> jobs = new HashMap<>();
    final Map<String, String> finalStatus = new HashMap<>();
    final Map<String, JobRecord> records = new HashMap<>();
    final List<String> killedJobs = new CopyOnWriteArrayList<>();
    final List<String> killedTasks = new CopyOnWriteArrayList<>();
    volatile int looks;
    final List<Long> lookTimes = new CopyOnWriteArrayList<>();
    volatile boolean closed;

    synchronized void jobs(String task, Job... list) {
      jobs.put(task, List.of(list));
    }

    synchronized void finalStatus(String task, String status) {
      finalStatus.put(task, status);
    }

    synchronized void record(String job, JobRecord record) {
      records.put(job, record);
    }

    Submission submission(int i) {
      return submissions.get(i);
    }

    Submission awaitSubmission(int i) throws InterruptedException {
      await(() -> submissions.size() > i);
      return submissions.get(i);
    }

    /** Thrown by the next submissions, as a broken class path throws in a library. */
    volatile Error submitError;

    @Override
    public String name() {
      return "Scripted";
    }

    @Override
    public String submit(Task task, String name, JobOptions options) throws IOException {
      if (submitError != null) {
        throw submitError;
      }
      String id = "t" + (submissions.size() + 1);
      submissions.add(new Submission(id, task, name, options));
      return id;
    }

    @Override
    public synchronized Optional<TaskLook> look(SubmittedTask task, Set<String> finalJobs) {
      looks++;
      lookTimes.add(System.nanoTime());
      List<Job> open = new ArrayList<>();
      for (Job j : jobs.getOrDefault(task.id(), List.of())) {
        if (!finalJobs.contains(j.id())) {
          open.add(j);
        }
      }
      String status = finalStatus.get(task.id());
      return Optional.of(new TaskLook(status == null ? "running" : status, status != null, open));
    }

    @Override
    public synchronized Map<String, JobRecord> records(SubmittedTask task, Collection<String> jobIds) {
      Map<String, JobRecord> found = new HashMap<>();
      jobIds.forEach(id -> {
        if (records.containsKey(id)) {
          found.put(id, records.get(id));
        }
      });
      return found;
    }

    @Override
    public void killTask(String taskId) {
      killedTasks.add(taskId);
    }

    @Override
    public boolean registered(String taskId) {
      return true;
    }

    @Override
    public void killJobs(List<String> jobIds) {
      killedJobs.addAll(jobIds);
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
