package org.taskwire.internal.backend.panda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.ConfigurationException;
import org.taskwire.FailureKind;
import org.taskwire.internal.backend.Backend;
import org.taskwire.internal.backend.BackendContext;
import org.taskwire.internal.backend.CallEvent;
import org.taskwire.internal.backend.ResultTransport;
import org.taskwire.internal.backend.RunSandbox;
import org.taskwire.internal.backend.Task;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.call.GridCalls;
import org.taskwire.internal.call.JobMetadata;
import org.taskwire.internal.call.RemoteError;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.config.ConfigKey;
import org.taskwire.internal.config.TaskwireConfig;
import org.taskwire.internal.sandbox.Sandbox;
import org.taskwire.internal.sandbox.SandboxStore;
import org.taskwire.internal.sandbox.SandboxUploader;
import org.taskwire.internal.threads.DaemonThreads;
import org.taskwire.spi.JobOptions;

/**
 * Runs calls on PanDA: each proxy invocation becomes one task with one job per call (see
 * {@link TaskParameters}). The run's sandbox goes to PanDA's cache once (never twice for the same
 * content), the result transport's settings go to a user secret, and results come back over
 * STOMP or the relay as with the local backend.
 *
 * <p>A watcher checks each task with bulk requests (its job ids, then descriptions of the jobs
 * not yet final, in batches of 5,500) and reports each job's start, failure and end to the run's
 * collector, with the pilot's and the payload's error codes and where the log is. The collector
 * decides retries, as for every backend. PanDA starts a failed job's next attempt by itself, up
 * to the task's {@code maxAttempt}: a retry the collector asks for rides on that job when there
 * is one, and is a new task of its own when there is none; a retry job the collector does not
 * want (a failure no attempt can mend) is killed. A job that finished but whose result never arrived
 * gives its result from the job's metadata ({@code userJobMetadata.json}). Cancelling a call kills
 * its job, and the task when none of its calls is wanted any more; closing the run kills its
 * tasks. Each run is recorded in {@code ~/.taskwire/runs/<run id>.json} so it can be re-attached.
 */
public final class PandaBackend implements Backend {
  private static final Logger LOG = LoggerFactory.getLogger(PandaBackend.class);
  private static final Set<String> FINAL_TASK = Set.of("done", "finished", "failed", "broken", "aborted", "exhausted");
  private static final Set<String> FINAL_JOB = Set.of("finished", "failed", "cancelled", "closed");
  private static final Set<String> RUNNING_JOB = Set.of("sent", "starting", "running", "holding", "merging",
      "transferring");

  /** How long a closing run waits for PanDA to register a just-submitted task so it can kill it. */
  private static final Duration KILL_WAIT = Duration.ofMinutes(3);
  private final BackendContext context;
  private final PandaSettings settings;
  private final PandaApi api;
  private final ResultTransport transport;
  private final String secretName;
  /** Resolved at start, so a class path that cannot be told fails the run at once. */
  private final String classpath;
  private final Duration pollInterval;
  private final Duration resultGrace;
  private final Clock clock = Clock.systemUTC();
  private final ExecutorService submitter;
  private final ScheduledExecutorService watcher;
  /** Every task of the run by jediTaskID; guarded by each task's monitor. */
  private final Map<Long, PandaTask> tasks = new ConcurrentHashMap<>();
  private final Map<Long, PandaTask> taskOfCall = new ConcurrentHashMap<>();
  /** Failures reported by workers, held until the job's record says which attempt failed. */
  private final Map<Long, ResultEnvelope> failures = new ConcurrentHashMap<>();
  /** The attempt of each call that runs now; PanDA's workers do not know it. */
  private final Map<Long, Integer> attemptOf = new ConcurrentHashMap<>();
  private final Set<Long> resolved = ConcurrentHashMap.newKeySet();
  private final Set<Long> cancelled = ConcurrentHashMap.newKeySet();
  /** Calls the collector gave up on: jobs PanDA still starts for them are killed. */
  private final Set<Long> abandoned = ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.atomic.AtomicInteger retryTasks = new java.util.concurrent.atomic.AtomicInteger();
  private volatile Published published;
  private volatile boolean closed;

  /** The sandbox in PanDA's cache, published once per run. */
  private record Published(String fileName, List<String> classpath) {}

  public PandaBackend(BackendContext context) {
    this.context = context;
    TaskwireConfig config = context.config();
    this.settings = PandaSettings.read(key -> config.value(key).map(TaskwireConfig.Value::value).orElse(null),
        System.getenv());
    okhttp3.OkHttpClient http = PandaHttp.client(settings);
    java.util.function.Supplier<Map<String, String>> auth = Map::of;
    if (settings.auth() == PandaSettings.Auth.OIDC) {
      Map<String, String> env = new HashMap<>(System.getenv());
      config.value(ConfigKey.PANDA_ID_TOKEN.name()).ifPresent(v -> env.put("PANDA_AUTH_ID_TOKEN", v.value()));
      auth = new OidcTokens(settings, env, http, System.err, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
    }
    this.api = new PandaApi(new PandaClient(settings.server(), http, auth, 4, Duration.ofSeconds(1)));
    this.pollInterval = config.get(ConfigKey.PANDA_POLL_INTERVAL);
    this.resultGrace = config.get(ConfigKey.PANDA_RESULT_GRACE);
    this.secretName = "TASKWIRE_RUN_" + context.runId().replace("-", "").substring(0, 16).toUpperCase(Locale.ROOT);
    this.classpath = org.taskwire.internal.backend.WorkflowClassPath.join(org.taskwire.internal.backend.WorkflowClassPath.resolve(context));
    this.transport = ResultTransport.start(context, this::onResult);
    this.submitter = Executors.newSingleThreadExecutor(DaemonThreads.factory("taskwire-panda-submit"));
    this.watcher = Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("taskwire-panda-watch"));
    watcher.scheduleWithFixedDelay(this::watchQuietly, pollInterval.toMillis(), pollInterval.toMillis(),
        TimeUnit.MILLISECONDS);
    LOG.info("PanDA backend: server {}, cache {}, {} authentication", settings.server(), settings.cache(),
        settings.auth().name().toLowerCase(Locale.ROOT));
  }

  @Override
  public void submit(Task task) {
    submitter.execute(() -> {
      try {
        Task rest = adoptRetries(task);
        if (!rest.calls().isEmpty()) {
          doSubmit(rest);
        }
      } catch (RuntimeException | IOException e) {
        String why = "cannot submit " + task.work().name() + " to PanDA at " + settings.server() + ": " + e.getMessage();
        LOG.warn(why);
        for (CallEnvelope call : task.calls()) {
          fail(call.callId(), call.attempt(), RemoteError.of(FailureKind.BACKEND, why));
        }
      }
    });
  }

  /**
   * The calls of a task that PanDA does not run by itself: a retry rides on the job PanDA starts
   * for a failed one's next attempt, when its task still makes one.
   */
  private Task adoptRetries(Task task) {
    List<CallEnvelope> rest = new ArrayList<>();
    for (CallEnvelope call : task.calls()) {
      PandaTask running = call.attempt() > 1 ? taskOfCall.get(call.callId()) : null;
      if (running != null && running.retrying.remove(call.callId())) {
        attemptOf.merge(call.callId(), call.attempt(), Math::max);
        LOG.debug("attempt {} of call {} runs as PanDA's retry job in task {}", call.attempt(), call.callId(),
            running.id);
      } else {
        rest.add(call);
      }
    }
    return rest.size() == task.calls().size() ? task
        : new Task(task.taskId(), task.workflow(), task.work(), task.options(), List.copyOf(rest));
  }

  private void doSubmit(Task task) throws IOException {
    if (closed) {
      return;
    }
    // A retry PanDA cannot run in its first task is a task of its own, with the attempts left.
    int firstAttempt = task.calls().get(0).attempt();
    JobOptions options = firstAttempt == 1 ? task.options()
        : JobOptions.builder().maxAttempts(Math.max(1, task.options().maxAttempts() - firstAttempt + 1)).build()
            .inheritFrom(task.options());
    Published sandbox = publish();
    List<String> names = new ArrayList<>();
    Map<Long, byte[]> large = new LinkedHashMap<>();
    for (CallEnvelope call : task.calls()) {
      String name = GridCalls.name(call.callId(), call.arguments());
      names.add(name);
      if (GridCalls.inlineArguments(name).isEmpty()) {
        large.put(call.callId(), call.arguments());
      }
    }
    String callsFile = large.isEmpty() ? null : uploadCalls(large);
    String runShort = context.runId().replace("-", "").substring(0, 12);
    String taskName = "taskwire." + context.workflow().name() + "." + task.work().name() + "." + runShort + "."
        + task.taskId() + (firstAttempt == 1 ? "" : ".retry" + retryTasks.incrementAndGet());
    TaskwireConfig config = context.config();
    TaskParameters parameters = new TaskParameters(taskName, settings.vo() == null ? "wlcg" : settings.vo(),
        settings.cache().toString(), sandbox.fileName(), sandbox.classpath(), names, callsFile, context.runId(),
        task.work().id(), task.calls().get(0).codec(), secretName, options,
        config.get(ConfigKey.PANDA_JVM_OPTIONS),
        config.get(ConfigKey.PANDA_TRANS_PATH), config.get(ConfigKey.PANDA_ARCHITECTURE));
    long id = api.submitTask(parameters.toMap());
    PandaTask submitted = new PandaTask(id, task, firstAttempt - 1, options.maxAttempts());
    tasks.put(id, submitted);
    for (CallEnvelope call : task.calls()) {
      taskOfCall.put(call.callId(), submitted);
      attemptOf.merge(call.callId(), call.attempt(), Math::max);
    }
    LOG.info("submitted {} call(s) of {} as PanDA task {}", task.calls().size(), task.work().name(), id);
    record();
  }

  /** Builds and uploads the sandbox and stores the transport secret, once per run. */
  private synchronized Published publish() throws IOException {
    if (published != null) {
      return published;
    }
    Sandbox sandbox = RunSandbox.build(context, classpath);
    boolean uploaded = new PandaCache(api).publish(sandbox);
    LOG.info("sandbox {} ({} MB) {}", sandbox.file().getFileName(), String.format("%.1f", sandbox.bytes() / 1e6),
        uploaded ? "uploaded to PanDA's cache" : "already in PanDA's cache; not uploaded again");
    api.setUserSecret(secretName, transport.settings().toSecret());
    published = new Published(sandbox.file().getFileName().toString(),
        SandboxStore.readManifest(sandbox.file()).classpath());
    return published;
  }

  private String uploadCalls(Map<Long, byte[]> arguments) throws IOException {
    byte[] gz = GridCalls.callsFile(arguments);
    String hash;
    try {
      hash = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(gz));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
    Path file = Files.createTempDirectory("taskwire-calls").resolve("sources.taskwire-calls." + hash + ".json.gz");
    try {
      Files.write(file, gz);
      api.uploadCacheFile(file);
      return file.getFileName().toString();
    } finally {
      Files.deleteIfExists(file);
      Files.deleteIfExists(file.getParent());
    }
  }

  /**
   * Results from workers: a success answers the call's current attempt (a grid worker does not
   * know its attempt); a failure waits for the job's record, which tells the attempt and adds
   * PanDA's error codes.
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
    PandaTask task = taskOfCall.get(callId);
    if (task == null || closed) {
      return;
    }
    submitter.execute(() -> {
      try {
        List<Long> jobs;
        boolean wholeTask;
        synchronized (task) {
          jobs = task.activeJobsOf(callId);
          wholeTask = task.task.calls().stream().allMatch(c -> cancelled.contains(c.callId())
              || resolved.contains(c.callId()));
        }
        if (wholeTask) {
          LOG.info("killing PanDA task {}: none of its calls is wanted any more", task.id);
          api.killTask(task.id);
        } else if (!jobs.isEmpty()) {
          LOG.info("killing PanDA job(s) {} of cancelled call {}", jobs, callId);
          api.killJobs(jobs);
        }
      } catch (RuntimeException e) {
        LOG.warn("cannot kill the PanDA job of call {}: {}", callId, e.getMessage());
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
    for (PandaTask task : tasks.values()) {
      if (!task.isFinal() && task.task.calls().stream()
          .anyMatch(c -> !resolved.contains(c.callId()) || abandoned.contains(c.callId()))) {
        killAtClose(task.id);
      }
    }
    if (published != null) {
      try {
        api.setUserSecret(secretName, null);
      } catch (RuntimeException e) {
        LOG.warn("cannot remove the user secret {}: {}", secretName, e.getMessage());
      }
    }
    transport.close();
  }

  /**
   * Kills an unfinished task. A task JEDI has not picked up yet cannot be killed (it is "not
   * found"), yet will run once it is: so wait for it, up to {@link #KILL_WAIT}, rather than leave
   * grid jobs running for a closed run.
   */
  private void killAtClose(long taskId) {
    long deadline = System.nanoTime() + KILL_WAIT.toNanos();
    boolean told = false;
    while (true) {
      RuntimeException failure;
      try {
        api.killTask(taskId);
        LOG.info("killed PanDA task {}: the run is closing", taskId);
        return;
      } catch (RuntimeException e) {
        failure = e;
      }
      boolean unregistered;
      try {
        unregistered = api.taskStatus(taskId).isEmpty();
      } catch (RuntimeException e) {
        unregistered = false;
      }
      if (!unregistered || System.nanoTime() > deadline) {
        LOG.warn("cannot kill PanDA task {}: {}; its jobs will run unless you kill it (pbook, or the PanDA monitor)",
            taskId, failure.getMessage());
        return;
      }
      if (!told) {
        LOG.info("PanDA has not registered task {} yet; waiting up to {} s to kill it", taskId, KILL_WAIT.toSeconds());
        told = true;
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        LOG.warn("interrupted before PanDA task {} could be killed; its jobs will run unless you kill it", taskId);
        return;
      }
    }
  }

  private void watchQuietly() {
    for (PandaTask task : List.copyOf(tasks.values())) {
      if (closed) {
        return;
      }
      try {
        watch(task);
      } catch (RuntimeException e) {
        LOG.warn("cannot check PanDA task {}: {}; trying again in {}", task.id, e.getMessage(), pollInterval);
      }
    }
  }

  /** One look at a task: its status, its unfinished jobs, and metadata for results that did not come. */
  void watch(PandaTask task) {
    if (task.done) {
      return;
    }
    Optional<String> status = api.taskStatus(task.id);
    if (status.isEmpty()) {
      LOG.debug("PanDA task {} is not picked up by JEDI yet", task.id);
      return;
    }
    task.status = status.get();
    List<Long> open = new ArrayList<>();
    for (long id : api.jobIds(task.id)) {
      if (!task.finalJobs.contains(id)) {
        open.add(id);
      }
    }
    List<Long> unwanted = new ArrayList<>();
    for (JsonNode job : api.jobs(open)) {
      observe(task, job, unwanted);
    }
    if (!unwanted.isEmpty()) {
      LOG.info("killing PanDA job(s) {}: their calls have failed for good", unwanted);
      api.killJobs(unwanted);
    }
    fetchMetadata(task);
    if (task.isFinal()) {
      for (CallEnvelope call : task.task.calls()) {
        long id = call.callId();
        int attempt = attemptOf.getOrDefault(id, 1);
        if (!resolved.contains(id) && !cancelled.contains(id) && !task.waitingForMetadata.containsKey(id)
            && taskOfCall.get(id) == task && context.sink().awaiting(id, attempt)) {
          fail(id, attempt, RemoteError.of(FailureKind.BACKEND, "PanDA task " + task.id + " ended '" + task.status
              + "' without running call " + id + " to the end"));
        }
      }
      if (task.waitingForMetadata.isEmpty()) {
        task.done = true;
        LOG.info("PanDA task {} ended: {}", task.id, task.status);
      }
    }
  }

  private void observe(PandaTask task, JsonNode job, List<Long> unwanted) {
    long pandaId = job.path("PandaID").asLong();
    String state = job.path("jobStatus").asText();
    Long callId = task.callOf(job);
    if (callId == null) {
      LOG.debug("PanDA job {} of task {} has no Taskwire call", pandaId, task.id);
      return;
    }
    synchronized (task) {
      task.jobsOfCall.computeIfAbsent(callId, k -> new java.util.TreeSet<>()).add(pandaId);
    }
    boolean isFinal = FINAL_JOB.contains(state);
    if (isFinal) {
      task.finalJobs.add(pandaId);
    }
    if (abandoned.contains(callId) && !isFinal) {
      unwanted.add(pandaId);
      return;
    }
    if (resolved.contains(callId) || cancelled.contains(callId)) {
      return;
    }
    int pandaAttempt = Math.max(1, job.path("attemptNr").asInt(1));
    int attempt = task.attemptOffset + pandaAttempt;
    if (RUNNING_JOB.contains(state)) {
      attemptOf.merge(callId, attempt, Math::max);
      context.sink().report(new CallEvent.Started(callId, attempt, "PanDA job " + pandaId + " of task " + task.id));
    } else if ("finished".equals(state)) {
      task.waitingForMetadata.putIfAbsent(callId, new Waiting(pandaId, attempt, clock.instant()));
    } else if ("failed".equals(state) || "cancelled".equals(state)) {
      int maxAttempt = task.attemptOffset + job.path("maxAttempt").asInt(task.pandaMaxAttempts);
      boolean pandaRetries = !"cancelled".equals(state) && pandaAttempt < job.path("maxAttempt").asInt(task.pandaMaxAttempts)
          && !FINAL_TASK.contains(task.status);
      if (pandaRetries) {
        task.retrying.add(callId);
      }
      RemoteError error = JobFailure.describe(job, failures.remove(callId), attempt, maxAttempt)
          .withLog(JobFailure.logLocation(job, settings));
      attemptOf.merge(callId, attempt, Math::max);
      if (!fail(callId, attempt, error) && pandaRetries) {
        task.retrying.remove(callId);
        abandoned.add(callId);
        LOG.info("call {} failed for good on PanDA job {} ({}); PanDA's retry job will be killed", callId, pandaId,
            error.kind());
      }
    }
  }

  private record Waiting(long pandaId, int attempt, java.time.Instant since) {}

  /** Reads the metadata of finished jobs whose results did not arrive within the grace period. */
  private void fetchMetadata(PandaTask task) {
    task.waitingForMetadata.keySet().removeIf(resolved::contains);
    boolean due = task.waitingForMetadata.values().stream()
        .anyMatch(w -> w.since().plus(resultGrace).isBefore(clock.instant()));
    if (!due) {
      return;
    }
    transport.catchUp();
    task.waitingForMetadata.keySet().removeIf(resolved::contains);
    if (task.waitingForMetadata.isEmpty()) {
      return;
    }
    Map<Long, JsonNode> metadata = api.jobMetadata(task.id);
    for (var e : List.copyOf(task.waitingForMetadata.entrySet())) {
      long callId = e.getKey();
      Waiting w = e.getValue();
      if (!w.since().plus(resultGrace).isBefore(clock.instant())) {
        continue;
      }
      task.waitingForMetadata.remove(callId);
      JsonNode meta = metadata.get(w.pandaId());
      try {
        Optional<ResultEnvelope> result = JobMetadata.read(meta);
        if (result.isPresent()) {
          LOG.info("the result of call {} never arrived as a message; took it from PanDA job {}'s metadata", callId,
              w.pandaId());
          if (result.get().succeeded()) {
            onResult(result.get());
          } else {
            fail(callId, w.attempt(), result.get().error());
          }
          continue;
        }
      } catch (IOException ex) {
        LOG.warn("unreadable metadata of PanDA job {}: {}", w.pandaId(), ex.getMessage());
      }
      long size = JobMetadata.oversizedResultBytes(meta);
      fail(callId, w.attempt(), size > 0
          ? RemoteError.of(FailureKind.RESULT_TOO_LARGE, "PanDA job " + w.pandaId() + " finished, but its result ("
              + size + " bytes) never arrived as a message and is too large for the job's metadata (1 MB); make "
              + "the broker reachable from the grid (taskwire.broker.url)")
          : RemoteError.of(FailureKind.RESULT_LOST, "PanDA job " + w.pandaId() + " finished, but its result never "
              + "arrived and the job's metadata holds none"));
    }
  }

  /**
   * Reports a failed attempt: lost when its job died or its result never came, failed otherwise.
   * Returns whether the collector wants another attempt; a call it does not is resolved.
   */
  private boolean fail(long callId, int attempt, RemoteError error) {
    if (resolved.contains(callId)) {
      return false;
    }
    context.sink().report(error.kind() == FailureKind.RESULT_LOST || error.kind() == FailureKind.WORKER_LOST
        ? new CallEvent.Lost(callId, attempt, error)
        : new CallEvent.Failed(callId, attempt, error));
    if (context.sink().awaiting(callId, attempt + 1)) {
      return true;
    }
    resolved.add(callId);
    return false;
  }

  /** Writes what a later client needs to re-attach to this run. */
  private void record() {
    try {
      Path dir = Path.of(System.getProperty("user.home"), ".taskwire", "runs");
      Files.createDirectories(dir);
      ObjectNode root = PandaClient.MAPPER.createObjectNode();
      root.put("runId", context.runId());
      root.put("backend", "panda");
      root.put("server", settings.server().toString());
      root.put("workflow", context.workflow().workflowClass());
      root.put("transportSecret", secretName);
      ArrayNode list = root.putArray("tasks");
      for (PandaTask t : tasks.values()) {
        ObjectNode o = list.addObject();
        o.put("jediTaskID", t.id);
        o.put("work", t.task.work().id());
        ArrayNode calls = o.putArray("callIds");
        t.task.calls().forEach(c -> calls.add(c.callId()));
      }
      Path file = dir.resolve(context.runId() + ".json");
      Files.write(file, PandaClient.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    } catch (IOException e) {
      LOG.debug("cannot record run {}: {}", context.runId(), e.getMessage());
    }
  }



  /** One submitted task: its calls by pseudo-file index and what the watcher learnt of its jobs. */
  static final class PandaTask {
    final long id;
    final Task task;
    /** The run's attempt of a call is this plus PanDA's {@code attemptNr}: non-zero for a retry's own task. */
    final int attemptOffset;
    final int pandaMaxAttempts;
    /** Calls whose failed job PanDA starts again: a retry the collector asks for rides on it. */
    final Set<Long> retrying = ConcurrentHashMap.newKeySet();
    final Set<Long> finalJobs = ConcurrentHashMap.newKeySet();
    final Map<Long, java.util.TreeSet<Long>> jobsOfCall = new HashMap<>();
    final Map<Long, Waiting> waitingForMetadata = new ConcurrentHashMap<>();
    volatile String status = "submitted";
    volatile boolean done;

    PandaTask(long id, Task task, int attemptOffset, int pandaMaxAttempts) {
      this.id = id;
      this.task = task;
      this.attemptOffset = attemptOffset;
      this.pandaMaxAttempts = pandaMaxAttempts;
    }

    boolean isFinal() {
      return FINAL_TASK.contains(status);
    }

    /** The call of a job: its pseudo file is {@code <6-digit index>:<name>}, the index into pfnList. */
    Long callOf(JsonNode job) {
      for (JsonNode file : job.path("Files")) {
        String type = file.path("type").asText();
        if ("pseudo_input".equals(type) || "input".equals(type)) {
          String lfn = file.path("lfn").asText();
          int colon = lfn.indexOf(':');
          if (colon > 0) {
            try {
              int index = Integer.parseInt(lfn.substring(0, colon));
              if (index >= 0 && index < task.calls().size()) {
                return task.calls().get(index).callId();
              }
            } catch (NumberFormatException e) {
              // not a pfnList file name
            }
          }
          try {
            return GridCalls.callId(colon > 0 ? lfn.substring(colon + 1) : lfn);
          } catch (IllegalArgumentException e) {
            // not ours
          }
        }
      }
      return null;
    }

    List<Long> activeJobsOf(long callId) {
      List<Long> active = new ArrayList<>();
      for (long id : jobsOfCall.getOrDefault(callId, new java.util.TreeSet<>())) {
        if (!finalJobs.contains(id)) {
          active.add(id);
        }
      }
      return active;
    }
  }
}
