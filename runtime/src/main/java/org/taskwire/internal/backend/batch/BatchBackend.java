package org.taskwire.internal.backend.batch;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.internal.backend.Backend;
import org.taskwire.internal.backend.BackendContext;
import org.taskwire.internal.backend.CallEvent;
import org.taskwire.internal.backend.Cause;
import org.taskwire.internal.backend.Failure;
import org.taskwire.internal.backend.ResultTransport;
import org.taskwire.internal.backend.Task;
import org.taskwire.internal.backend.batch.BatchSystem.Job;
import org.taskwire.internal.backend.batch.BatchSystem.JobRecord;
import org.taskwire.internal.backend.batch.BatchSystem.Phase;
import org.taskwire.internal.backend.batch.BatchSystem.SubmittedTask;
import org.taskwire.internal.backend.batch.BatchSystem.TaskLook;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.call.RemoteError;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.threads.DaemonThreads;
import org.taskwire.spi.JobOptions;

/**
 * A backend over a batch system: each proxy invocation becomes one task of the system with one job
 * per call, submitted from one thread; one watcher looks at every task in bulk and reports each
 * job's start and end to the run's collector as call events. Results come over the run's result
 * transport; a finished job whose result did not come within a grace period gives it from its own
 * record. The collector decides retries: a retry rides on the job the system starts by itself for
 * a failed one when there is one (PanDA), and is a task of its own, with the attempts left, when
 * there is none; a job the system starts for a call the collector gave up on is killed. Cancelling
 * a call kills its job, and its task once none of its calls is wanted; closing the run kills its
 * unfinished tasks. Each submission is reported with its task id, which the run journals, so that
 * a resumed run watches the same tasks again ({@link #reattach}).
 */
public final class BatchBackend implements Backend {
  private static final Logger LOG = LoggerFactory.getLogger(BatchBackend.class);
  /** The keys of a call's handle ({@link CallEvent.Submitted}): the system's name and its task id. */
  static final String HANDLE_SYSTEM = "system";
  static final String HANDLE_TASK = "task";
  static final String HANDLE_JOB = "job";
  static final String HANDLE_LOG = "log";

  /** Starts the batch system once the run's result transport is up: the system tells jobs how to reach it. */
  @FunctionalInterface
  public interface SystemFactory {
    BatchSystem start(ResultTransport transport);
  }

  /**
   * How often the watcher looks (up to four times less often while nothing
   * changes, and again at this pace once something does or a task is submitted), how long a
   * finished job's result may take to arrive before its record is read, and how long a closing run
   * waits for a just-submitted task to be registered so that it can be killed.
   */
  /** @param stepWindow how long ready calls of one work are held to go out as one task ({@link Backend#stepWindow}) */
  public record Timing(Duration pollInterval, Duration resultGrace, Duration killWait, Duration stepWindow) {}

  /** How many poll intervals the watcher waits at most while no task changes. */
  static final int MAX_BACK_OFF = 4;

  private final BackendContext context;
  private final Timing timing;
  /** The watcher's next look and its delay; the watcher's own, and submit's to bring it forward. */
  private java.util.concurrent.ScheduledFuture<?> nextLook;
  private long lookDelay;
  /** What the last look saw of every task, to tell whether anything changed since. */
  private String lastSeen = "";
  private final ResultTransport transport;
  private final BatchSystem system;
  private final Clock clock = Clock.systemUTC();
  private final ExecutorService submitter;
  private final ScheduledExecutorService watcher;
  private final Map<String, Watched> tasks = new ConcurrentHashMap<>();
  private final Map<Long, Watched> taskOfCall = new ConcurrentHashMap<>();
  /** Failures reported by workers, held until the job's own account says which attempt failed. */
  private final Map<Long, ResultEnvelope> failures = new ConcurrentHashMap<>();
  /** The attempt of each call that runs now; a grid worker does not know it. */
  private final Map<Long, Integer> attemptOf = new ConcurrentHashMap<>();
  /** Calls that need nothing more from the system: succeeded, or given up by the collector. */
  private final Set<Long> resolved = ConcurrentHashMap.newKeySet();
  private final Set<Long> cancelled = ConcurrentHashMap.newKeySet();
  /** Calls the collector gave up on: jobs the system still starts for them are killed. */
  private final Set<Long> abandoned = ConcurrentHashMap.newKeySet();
  private final AtomicInteger retryTasks = new AtomicInteger();
  private volatile boolean closed;

  public BatchBackend(BackendContext context, Timing timing, SystemFactory factory) {
    this.context = context;
    this.timing = timing;
    this.transport = ResultTransport.start(context, this::onResult);
    try {
      this.system = factory.start(transport);
    } catch (RuntimeException e) {
      transport.close();
      throw e;
    }
    String lower = system.name().toLowerCase(Locale.ROOT);
    this.submitter = Executors.newSingleThreadExecutor(DaemonThreads.factory("taskwire-" + lower + "-submit"));
    this.watcher = Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("taskwire-" + lower + "-watch"));
    lookAgainIn(timing.pollInterval().toMillis());
  }

  @Override
  public Duration stepWindow(String work) {
    return timing.stepWindow();
  }

  @Override
  public void submit(Task task) {
    submitter.execute(() -> {
      try {
        Task rest = adoptRetries(task);
        if (!rest.calls().isEmpty()) {
          submitNow(rest);
        }
      } catch (RuntimeException | IOException | LinkageError e) {
        // A LinkageError is a class path that holds a library in a version Taskwire cannot use.
        String why = "cannot submit " + task.work().name() + " to " + system.name() + ": "
            + (e instanceof LinkageError ? e.toString() : e.getMessage());
        LOG.warn(why, e instanceof LinkageError ? e : null);
        for (CallEnvelope call : task.calls()) {
          fail(call.callId(), call.attempt(), Failure.of(Cause.Seen.REFUSED, why));
        }
      }
    });
  }

  @Override
  public void reattach(Task task, Map<Long, Map<String, String>> handles) {
    submitter.execute(() -> {
      Map<String, List<CallEnvelope>> byTask = new LinkedHashMap<>();
      List<CallEnvelope> unknown = new ArrayList<>();
      for (CallEnvelope call : task.calls()) {
        Map<String, String> handle = handles.getOrDefault(call.callId(), Map.of());
        String id = handle.get(HANDLE_TASK);
        if (id != null && system.name().equals(handle.get(HANDLE_SYSTEM))) {
          byTask.computeIfAbsent(id, k -> new ArrayList<>()).add(call);
        } else {
          unknown.add(call);
        }
      }
      if (!byTask.isEmpty()) {
        try {
          system.reattaching();
        } catch (IOException | RuntimeException e) {
          LOG.warn("cannot tell {} where this client listens ({}); results of jobs that start from now on come "
              + "from their records", system.name(), e.getMessage());
        }
      }
      byTask.forEach((id, calls) -> {
        Task part = task.withCalls(calls);
        int firstAttempt = calls.get(0).attempt();
        watch(new SubmittedTask(id, part, firstAttempt - 1, attemptsLeft(task.options(), firstAttempt)));
        LOG.info("watching {} task {} again for {} call(s) of {}", system.name(), id, calls.size(), task.work().name());
      });
      if (!unknown.isEmpty()) {
        submit(task.withCalls(unknown));
      }
    });
  }

  /** The attempts a call may still make from {@code firstAttempt} on, the first included. */
  private static int attemptsLeft(JobOptions options, int firstAttempt) {
    return Math.max(1, options.maxAttempts() - firstAttempt + 1);
  }

  /** Starts watching a task of the system: its calls, at their attempts, are now its. */
  private void watch(SubmittedTask submitted) {
    Watched watched = new Watched(submitted);
    tasks.put(submitted.id(), watched);
    lookSoon();
    for (CallEnvelope call : submitted.task().calls()) {
      taskOfCall.put(call.callId(), watched);
      attemptOf.merge(call.callId(), call.attempt(), Math::max);
    }
  }

  /**
   * The calls of a task that the system does not run by itself: a retry rides on the job the
   * system starts for a failed one's next attempt, when its task still makes one.
   */
  private Task adoptRetries(Task task) {
    List<CallEnvelope> rest = new ArrayList<>();
    for (CallEnvelope call : task.calls()) {
      Watched running = call.attempt() > 1 ? taskOfCall.get(call.callId()) : null;
      if (running != null && running.retrying.remove(call.callId())) {
        attemptOf.merge(call.callId(), call.attempt(), Math::max);
        LOG.debug("attempt {} of call {} runs as {}'s own retry in task {}", call.attempt(), call.callId(),
            system.name(), running.submitted.id());
      } else {
        rest.add(call);
      }
    }
    return rest.size() == task.calls().size() ? task
        : task.withCalls(rest);
  }

  private void submitNow(Task task) throws IOException {
    if (closed) {
      return;
    }
    // A retry the system cannot run in its first task is a task of its own, with the attempts left.
    int firstAttempt = task.calls().get(0).attempt();
    JobOptions options = firstAttempt == 1 ? task.options()
        : JobOptions.builder().maxAttempts(attemptsLeft(task.options(), firstAttempt)).build()
            .inheritFrom(task.options());
    String runShort = context.runId().replace("-", "").substring(0, 12);
    String name = "taskwire." + context.workflow().name() + "." + task.work().name() + "." + runShort + "."
        + task.taskId() + (firstAttempt == 1 ? "" : ".retry" + retryTasks.incrementAndGet());
    String id = system.submit(task, name, options);
    watch(new SubmittedTask(id, task, firstAttempt - 1, options.maxAttempts()));
    for (CallEnvelope call : task.calls()) {
      context.sink().report(new CallEvent.Submitted(call.callId(), call.attempt(),
          Map.of(HANDLE_SYSTEM, system.name(), HANDLE_TASK, id)));
    }
    LOG.info("submitted {} call(s) of {} as {} task {}", task.calls().size(), task.work().name(), system.name(), id);
  }

  /**
   * Results from workers: a success answers the call's current attempt (a grid worker does not
   * know its attempt); a failure waits for the job's own account, which tells the attempt and adds
   * the system's error codes.
   */
  private void onResult(ResultEnvelope result) {
    if (result.succeeded()) {
      resolved.add(result.callId());
      int attempt = attemptOf.getOrDefault(result.callId(), result.attempt());
      context.sink().report(new CallEvent.Succeeded(new ResultEnvelope(result.runId(), result.callId(), attempt,
          result.output(), null, result.startedAt(), result.finishedAt())));
    } else {
      failures.put(result.callId(), result);
    }
  }

  @Override
  public void cancel(long callId) {
    cancelled.add(callId);
    Watched task = taskOfCall.get(callId);
    if (task == null || closed) {
      return;
    }
    submitter.execute(() -> {
      try {
        List<String> jobs;
        boolean wholeTask;
        synchronized (task) {
          jobs = task.activeJobsOf(callId);
          wholeTask = task.submitted.task().calls().stream()
              .allMatch(c -> cancelled.contains(c.callId()) || resolved.contains(c.callId()));
        }
        if (wholeTask) {
          LOG.info("killing {} task {}: none of its calls is wanted any more", system.name(), task.submitted.id());
          system.killTask(task.submitted.id());
        } else if (!jobs.isEmpty()) {
          LOG.info("killing {} job(s) {} of cancelled call {}", system.name(), jobs, callId);
          system.killJobs(jobs);
        }
      } catch (RuntimeException e) {
        LOG.warn("cannot kill the {} job of call {}: {}", system.name(), callId, e.getMessage());
      }
    });
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    watcher.shutdownNow();
    submitter.shutdown();
    try {
      submitter.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Watched task : tasks.values()) {
      if (!task.isFinal && task.submitted.task().calls().stream()
          .anyMatch(c -> !resolved.contains(c.callId()) || abandoned.contains(c.callId()))) {
        killAtClose(task.submitted.id());
      }
    }
    system.close();
    transport.close();
  }

  /**
   * Kills an unfinished task. A task the system has not registered yet cannot be killed, yet
   * will run once it is: so wait for it, up to the timing's kill wait, rather than leave jobs
   * running for a closed run.
   */
  private void killAtClose(String taskId) {
    long deadline = System.nanoTime() + timing.killWait().toNanos();
    boolean told = false;
    while (true) {
      RuntimeException failure;
      try {
        system.killTask(taskId);
        LOG.info("killed {} task {}: the run is closing", system.name(), taskId);
        return;
      } catch (RuntimeException e) {
        failure = e;
      }
      boolean unregistered;
      try {
        unregistered = !system.registered(taskId);
      } catch (RuntimeException e) {
        unregistered = false;
      }
      if (!unregistered || System.nanoTime() > deadline) {
        LOG.warn("cannot kill {} task {}: {}; its jobs will run unless you kill it", system.name(), taskId,
            failure.getMessage());
        return;
      }
      if (!told) {
        LOG.info("{} has not registered task {} yet; waiting up to {} s to kill it", system.name(), taskId,
            timing.killWait().toSeconds());
        told = true;
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        LOG.warn("interrupted before {} task {} could be killed; its jobs will run unless you kill it",
            system.name(), taskId);
        return;
      }
    }
  }

  /** One look at every task, then the next one: sooner if something changed, later (up to a bound) if not. */
  private void watchAllAndBackOff() {
    long poll = timing.pollInterval().toMillis();
    boolean changed = true;
    try {
      watchAll();
      StringBuilder seen = new StringBuilder();
      for (Watched task : tasks.values()) {
        seen.append(task.submitted.id()).append(task.status).append(task.finalJobs.size()).append(task.done).append(';');
      }
      synchronized (this) {
        changed = !seen.toString().equals(lastSeen);
        lastSeen = seen.toString();
      }
    } catch (RuntimeException e) {
      // The next look must come whatever happened in this one.
      LOG.error("watching the {} tasks failed", system.name(), e);
    } finally {
      lookAgainIn(changed ? poll : Math.min(lookDelay * 2, poll * MAX_BACK_OFF));
    }
  }

  private synchronized void lookAgainIn(long millis) {
    if (closed || watcher.isShutdown()) {
      return;
    }
    lookDelay = millis;
    nextLook = watcher.schedule(this::watchAllAndBackOff, millis, TimeUnit.MILLISECONDS);
  }

  /** A task was just submitted: the watcher looks within a poll interval, however long it had backed off. */
  private synchronized void lookSoon() {
    long poll = timing.pollInterval().toMillis();
    if (nextLook != null && nextLook.getDelay(TimeUnit.MILLISECONDS) > poll && nextLook.cancel(false)) {
      lookAgainIn(poll);
    }
  }

  private void watchAll() {
    for (Watched task : List.copyOf(tasks.values())) {
      if (closed) {
        return;
      }
      try {
        watch(task);
      } catch (RuntimeException e) {
        LOG.warn("cannot check {} task {}: {}; trying again in {}", system.name(), task.submitted.id(),
            e.getMessage(), timing.pollInterval());
      }
    }
  }

  /** One look at a task: its status, its unfinished jobs, and records of results that did not come. */
  private void watch(Watched task) {
    if (task.done) {
      return;
    }
    Optional<TaskLook> look = system.look(task.submitted, Set.copyOf(task.finalJobs));
    if (look.isEmpty()) {
      LOG.debug("{} has not registered task {} yet", system.name(), task.submitted.id());
      return;
    }
    task.status = look.get().status();
    task.isFinal = look.get().isFinal();
    List<String> unwanted = new ArrayList<>();
    for (Job job : look.get().jobs()) {
      observe(task, job, unwanted);
    }
    if (!unwanted.isEmpty()) {
      LOG.info("killing {} job(s) {}: their calls have failed for good", system.name(), unwanted);
      system.killJobs(unwanted);
    }
    readRecords(task);
    if (task.isFinal) {
      for (CallEnvelope call : task.submitted.task().calls()) {
        long id = call.callId();
        int attempt = attemptOf.getOrDefault(id, call.attempt());
        if (!resolved.contains(id) && !cancelled.contains(id) && !task.waitingForRecord.containsKey(id)
            && taskOfCall.get(id) == task) {
          fail(id, attempt, Failure.of(Cause.Seen.REFUSED, system.name() + " task " + task.submitted.id()
              + " ended '" + task.status + "' without running call " + id + " to the end"));
        }
      }
      if (task.waitingForRecord.isEmpty()) {
        task.done = true;
        LOG.info("{} task {} ended: {}", system.name(), task.submitted.id(), task.status);
      }
    }
  }

  private void observe(Watched task, Job job, List<String> unwanted) {
    long callId = job.callId();
    synchronized (task) {
      task.jobsOfCall.computeIfAbsent(callId, k -> new LinkedHashSet<>()).add(job.id());
    }
    boolean jobIsFinal = job.phase().isFinal();
    if (jobIsFinal) {
      task.finalJobs.add(job.id());
    }
    if (abandoned.contains(callId) && !jobIsFinal) {
      unwanted.add(job.id());
      return;
    }
    if (resolved.contains(callId) || cancelled.contains(callId)) {
      return;
    }
    int attempt = job.attempt();
    if (job.phase() != Phase.WAITING && task.journaled.add(job.id())) {
      // The job that runs the attempt, and its log (a URL, or a file on the shared file system):
      // for taskwire logs and the dashboard, whether the call then succeeds or fails.
      Map<String, String> handle = new LinkedHashMap<>(Map.of(HANDLE_SYSTEM, system.name(),
          HANDLE_TASK, task.submitted.id(), HANDLE_JOB, job.id()));
      if (job.logLocation() != null) {
        handle.put(HANDLE_LOG, job.logLocation());
      }
      context.sink().report(new CallEvent.Submitted(callId, attempt, handle));
    }
    switch (job.phase()) {
      case WAITING, GONE -> { }
      case RUNNING -> {
        attemptOf.merge(callId, attempt, Math::max);
        context.sink().report(new CallEvent.Started(callId, attempt, job.account()));
      }
      case FINISHED -> task.waitingForRecord.putIfAbsent(callId, new Waiting(job.id(), attempt, clock.instant()));
      case FAILED, CANCELLED -> {
        if (job.systemRetries()) {
          task.retrying.add(callId);
        }
        ResultEnvelope reported = failures.remove(callId);
        Failure failure = reported != null && reported.error() != null
            ? Failure.reported(new RemoteError(reported.error().kind(), reported.error().className(),
                reported.error().message(), reported.error().stackTrace(), null, job.account()))
            : job.failure();
        if (job.logLocation() != null) {
          failure = failure.withLog(job.logLocation());
        }
        attemptOf.merge(callId, attempt, Math::max);
        if (!fail(callId, attempt, failure) && job.systemRetries()) {
          task.retrying.remove(callId);
          abandoned.add(callId);
          LOG.info("call {} failed for good on {} job {} ({}); the job {} starts for it will be killed", callId,
              system.name(), job.id(), failure.cause(), system.name());
        }
      }
    }
  }

  private record Waiting(String jobId, int attempt, Instant since) {}

  /** Reads the records of finished jobs whose results did not arrive within the grace period. */
  private void readRecords(Watched task) {
    task.waitingForRecord.keySet().removeIf(resolved::contains);
    Instant now = clock.instant();
    if (task.waitingForRecord.values().stream().noneMatch(w -> isDue(w, now))) {
      return;
    }
    // Perhaps only the subscription was down: what the relay holds comes first.
    transport.catchUp();
    task.waitingForRecord.keySet().removeIf(resolved::contains);
    Map<Long, Waiting> due = new LinkedHashMap<>();
    task.waitingForRecord.forEach((callId, w) -> {
      if (isDue(w, now)) {
        due.put(callId, w);
      }
    });
    if (due.isEmpty()) {
      return;
    }
    Map<String, JobRecord> records = system.records(task.submitted, due.values().stream().map(Waiting::jobId).toList());
    due.forEach((callId, w) -> {
      task.waitingForRecord.remove(callId);
      JobRecord record = records.get(w.jobId());
      if (record == null) {
        fail(callId, w.attempt(), Failure.of(Cause.Seen.RESULT_LOST, system.name() + " job " + w.jobId()
            + " finished, but its result never arrived and the job left no record of it"));
      } else if (record.result() != null) {
        LOG.info("the result of call {} never arrived as a message; took it from {} job {}'s own record", callId,
            system.name(), w.jobId());
        if (record.result().succeeded()) {
          onResult(record.result());
        } else {
          fail(callId, w.attempt(), Failure.reported(record.result().error()));
        }
      } else {
        fail(callId, w.attempt(), record.missing());
      }
    });
  }

  private boolean isDue(Waiting w, Instant now) {
    return w.since().plus(timing.resultGrace()).isBefore(now);
  }

  /**
   * Reports a failed attempt. Returns whether the collector wants another attempt; a call it does
   * not is resolved.
   */
  private boolean fail(long callId, int attempt, Failure failure) {
    if (resolved.contains(callId)) {
      return false;
    }
    if (context.sink().report(new CallEvent.Failed(callId, attempt, failure))) {
      return true;
    }
    resolved.add(callId);
    return false;
  }

  @Override
  public String toString() {
    return system.name() + " backend";
  }

  /** A submitted task and what the watcher learnt of its jobs; job sets guarded by its monitor. */
  private static final class Watched {
    final SubmittedTask submitted;
    final Set<String> finalJobs = ConcurrentHashMap.newKeySet();
    final Map<Long, Set<String>> jobsOfCall = new java.util.HashMap<>();
    final Map<Long, Waiting> waitingForRecord = new ConcurrentHashMap<>();
    /** Jobs whose handle the run has journaled. */
    final Set<String> journaled = ConcurrentHashMap.newKeySet();
    /** Calls whose failed job the system starts again: a retry the collector asks for rides on it. */
    final Set<Long> retrying = ConcurrentHashMap.newKeySet();
    volatile String status = "submitted";
    volatile boolean isFinal;
    volatile boolean done;

    Watched(SubmittedTask submitted) {
      this.submitted = submitted;
    }

    List<String> activeJobsOf(long callId) {
      List<String> active = new ArrayList<>();
      for (String id : jobsOfCall.getOrDefault(callId, Set.of())) {
        if (!finalJobs.contains(id)) {
          active.add(id);
        }
      }
      return active;
    }
  }
}
