package org.taskwire.internal.backend.panda;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.internal.backend.Backend;
import org.taskwire.internal.backend.BackendContext;
import org.taskwire.internal.backend.ResultTransport;
import org.taskwire.internal.backend.RunSandbox;
import org.taskwire.internal.backend.Task;
import org.taskwire.internal.backend.WorkflowClassPath;
import org.taskwire.internal.backend.batch.BatchBackend;
import org.taskwire.internal.backend.batch.BatchSystem;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.backend.Cause;
import org.taskwire.internal.backend.Failure;
import org.taskwire.internal.config.TaskwireConfig;
import org.taskwire.internal.sandbox.Sandbox;
import org.taskwire.internal.sandbox.SandboxStore;
import org.taskwire.spi.JobOptions;

/**
 * PanDA as a batch system: each task is a PanDA task with one job per call (see
 * {@link TaskParameters}). The run's sandbox goes to PanDA's cache once (never twice for the same
 * content) and the result transport's settings to a user secret. Tasks are looked at with bulk
 * requests (a task's job ids, then descriptions of the jobs not yet final, in batches of 5,500); a
 * finished job's record is its {@code userJobMetadata.json}. PanDA retries a failed job as a new
 * job of the same task up to the task's {@code maxAttempt}.
 */
final class PandaSystem implements BatchSystem {
  private static final Logger LOG = LoggerFactory.getLogger(PandaSystem.class);
  private static final Set<String> FINAL_TASK = Set.of("done", "finished", "failed", "broken", "aborted", "exhausted");
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
  /** Where jobs keep the files calls create: a storage element's door, or none (a directory is the client's alone). */
  private final String dataUrl;
  private volatile Published published;
  private volatile boolean secretSet;

  /** The sandbox in PanDA's cache, published once per run. */
  private record Published(String fileName, List<String> classpath) {}

  private PandaSystem(BackendContext context, PandaSettings settings, PandaApi api, ResultTransport transport) {
    this.context = context;
    this.settings = settings;
    this.api = api;
    this.transport = transport;
    this.secretName = secretName(context.runId());
    this.classpath = WorkflowClassPath.join(WorkflowClassPath.resolve(context));
    this.dataUrl = context.dataStore() instanceof org.taskwire.internal.data.DataStore.WebDav door ? door.url() : null;
  }

  /** The PanDA backend of a run: the batch skeleton over this system. */
  static Backend backend(BackendContext context) {
    TaskwireConfig config = context.config();
    PandaSettings settings = settings(config);
    PandaApi api = api(config, settings);
    BatchBackend.Timing timing = new BatchBackend.Timing(config.get(PandaBackendProvider.POLL_INTERVAL),
        config.get(PandaBackendProvider.RESULT_GRACE), KILL_WAIT, config.get(PandaBackendProvider.STEP_WINDOW));
    BatchBackend backend = new BatchBackend(context, timing, transport -> new PandaSystem(context, settings, api,
        transport));
    LOG.info("PanDA backend: server {}, cache {}, {} authentication", settings.server(), settings.cache(),
        settings.auth().name().toLowerCase(Locale.ROOT));
    return backend;
  }

  static PandaSettings settings(TaskwireConfig config) {
    return PandaSettings.read(key -> config.value(key).map(TaskwireConfig.Value::value).orElse(null), System.getenv());
  }

  /** A client of the server the configuration names, authenticated as PanDA's own client would be. */
  static PandaApi api(TaskwireConfig config, PandaSettings settings) {
    okhttp3.OkHttpClient http = PandaHttp.client(settings);
    java.util.function.Supplier<Map<String, String>> auth = Map::of;
    if (settings.auth() == PandaSettings.Auth.OIDC) {
      Map<String, String> env = new HashMap<>(System.getenv());
      config.value(PandaBackendProvider.ID_TOKEN.name()).ifPresent(v -> env.put("PANDA_AUTH_ID_TOKEN", v.value()));
      auth = new OidcTokens(settings, env, http, System.err, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
    }
    return new PandaApi(new PandaClient(settings.server(), http, auth, 4, Duration.ofSeconds(1)));
  }

  /**
   * Kills the unfinished tasks among a run's handles ({@code taskwire kill}), and removes the
   * run's secret: no job of it needs the run's channels any more (a resume sets it again).
   */
  static List<String> kill(String runId, TaskwireConfig config, Collection<Map<String, String>> handles) {
    Set<String> ids = new java.util.TreeSet<>();
    for (Map<String, String> handle : handles) {
      if ("PanDA".equals(handle.get("system")) && handle.get("task") != null) {
        ids.add(handle.get("task"));
      }
    }
    PandaSettings settings = settings(config);
    PandaApi api = api(config, settings);
    List<String> killed = new ArrayList<>();
    for (String id : ids) {
      Optional<String> status = api.taskStatus(Long.parseLong(id));
      if (status.isPresent() && FINAL_TASK.contains(status.get())) {
        continue;
      }
      api.killTask(Long.parseLong(id));
      killed.add("PanDA task " + id + " (was " + status.orElse("not yet registered") + ") at " + settings.server());
    }
    api.setUserSecret(secretName(runId), null);
    return killed;
  }

  /** The user secret that carries a run's result channels to its jobs. */
  static String secretName(String runId) {
    return "TASKWIRE_RUN_" + runId.replace("-", "").substring(0, 16).toUpperCase(Locale.ROOT);
  }

  @Override
  public String name() {
    return "PanDA";
  }

  @Override
  public String submit(Task task, String name, JobOptions options) throws IOException {
    Published sandbox = publish();
    List<String> names = new ArrayList<>();
    Map<Long, byte[]> large = new LinkedHashMap<>();
    for (CallEnvelope call : task.calls()) {
      String file = GridCalls.name(call.callId(), call.arguments());
      names.add(file);
      if (GridCalls.inlineArguments(file).isEmpty()) {
        large.put(call.callId(), call.arguments());
      }
    }
    String callsFile = large.isEmpty() ? null : uploadCalls(large);
    TaskwireConfig config = context.config();
    TaskParameters parameters = new TaskParameters(name, settings.vo() == null ? "wlcg" : settings.vo(),
        settings.cache().toString(), sandbox.fileName(), sandbox.classpath(), names, callsFile, context.runId(),
        task.work().id(), task.calls().get(0).codec(), secretName, options, config.get(PandaBackendProvider.JVM_OPTIONS),
        config.get(PandaBackendProvider.TRANS_PATH), config.get(PandaBackendProvider.ARCHITECTURE), dataUrl,
        config.get(org.taskwire.internal.config.ConfigKey.DATA_MAX_FILE_SIZE));
    try {
      return Long.toString(api.submitTask(parameters.toMap()));
    } catch (PandaException e) {
      throw new IOException("at " + settings.server() + ": " + e.getMessage(), e);
    }
  }

  /** A resumed run's jobs that have not started yet read this client's channels from the run's secret. */
  @Override
  public synchronized void reattaching() {
    api.setUserSecret(secretName, transport.settings().toSecret());
    secretSet = true;
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
    secretSet = true;
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

  @Override
  public Optional<TaskLook> look(SubmittedTask task, Set<String> finalJobs) {
    long taskId = Long.parseLong(task.id());
    Optional<String> status = api.taskStatus(taskId);
    if (status.isEmpty()) {
      return Optional.empty();
    }
    List<Long> open = new ArrayList<>();
    for (long id : api.jobIds(taskId)) {
      if (!finalJobs.contains(Long.toString(id))) {
        open.add(id);
      }
    }
    boolean taskIsFinal = FINAL_TASK.contains(status.get());
    List<Job> jobs = new ArrayList<>();
    for (JsonNode job : api.jobs(open)) {
      Long callId = callOf(task.task(), job);
      if (callId == null) {
        LOG.debug("PanDA job {} of task {} has no Taskwire call", job.path("PandaID").asLong(), task.id());
      } else {
        jobs.add(job(task, job, callId, taskIsFinal));
      }
    }
    return Optional.of(new TaskLook(status.get(), taskIsFinal, jobs));
  }

  private Job job(SubmittedTask task, JsonNode job, long callId, boolean taskIsFinal) {
    String id = Long.toString(job.path("PandaID").asLong());
    String state = job.path("jobStatus").asText();
    int pandaAttempt = Math.max(1, job.path("attemptNr").asInt(1));
    int pandaMax = job.path("maxAttempt").asInt(task.maxAttempts());
    int attempt = task.attemptOf(pandaAttempt);
    Phase phase = switch (state) {
      case "finished" -> Phase.FINISHED;
      case "failed" -> Phase.FAILED;
      case "cancelled" -> Phase.CANCELLED;
      // Closed by JEDI: final without an outcome of its own; the task's end tells.
      case "closed" -> Phase.GONE;
      default -> RUNNING_JOB.contains(state) ? Phase.RUNNING : Phase.WAITING;
    };
    String account = JobFailure.account(job, attempt, task.attemptOf(pandaMax));
    boolean failed = phase == Phase.FAILED || phase == Phase.CANCELLED;
    return new Job(id, callId, phase, attempt, phase == Phase.FAILED && pandaAttempt < pandaMax && !taskIsFinal,
        account, failed ? JobFailure.failure(job, account) : null,
        phase == Phase.WAITING ? null : JobFailure.logLocation(job, settings));
  }

  /**
   * The call of a job: its pseudo file is {@code <6-digit index>:c<call id>[.<arguments>]}. The
   * name says the call; the index into pfnList counts only in the task as first submitted, so it is
   * the fallback for a name that is not Taskwire's.
   */
  private static Long callOf(Task task, JsonNode job) {
    for (JsonNode file : job.path("Files")) {
      String type = file.path("type").asText();
      if ("pseudo_input".equals(type) || "input".equals(type)) {
        String lfn = file.path("lfn").asText();
        int colon = lfn.indexOf(':');
        try {
          return GridCalls.callId(colon > 0 ? lfn.substring(colon + 1) : lfn);
        } catch (IllegalArgumentException e) {
          // not a Taskwire call name
        }
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
      }
    }
    return null;
  }

  @Override
  public Map<String, JobRecord> records(SubmittedTask task, Collection<String> jobIds) {
    Map<Long, JsonNode> metadata = api.jobMetadata(Long.parseLong(task.id()));
    Map<String, JobRecord> records = new HashMap<>();
    for (String jobId : jobIds) {
      JsonNode meta = metadata.get(Long.parseLong(jobId));
      try {
        Optional<org.taskwire.internal.call.ResultEnvelope> result = JobMetadata.read(meta);
        if (result.isPresent()) {
          records.put(jobId, new JobRecord(result.get(), null));
          continue;
        }
      } catch (IOException e) {
        LOG.warn("unreadable metadata of PanDA job {}: {}", jobId, e.getMessage());
      }
      long size = JobMetadata.oversizedResultBytes(meta);
      records.put(jobId, new JobRecord(null, size > 0
          ? Failure.of(Cause.Seen.RESULT_TOO_LARGE, "PanDA job " + jobId + " finished, but its result ("
              + size + " bytes) never arrived as a message and is too large for the job's metadata (1 MB); make "
              + "the broker reachable from the grid (taskwire.broker.url)")
          : Failure.of(Cause.Seen.RESULT_LOST, "PanDA job " + jobId + " finished, but its result never "
              + "arrived and the job's metadata holds none")));
    }
    return records;
  }

  @Override
  public void killTask(String taskId) {
    api.killTask(Long.parseLong(taskId));
  }

  @Override
  public boolean registered(String taskId) {
    return api.taskStatus(Long.parseLong(taskId)).isPresent();
  }

  @Override
  public void killJobs(List<String> jobIds) {
    api.killJobs(jobIds.stream().map(Long::parseLong).toList());
  }

  @Override
  public void close() {
    if (secretSet) {
      try {
        api.setUserSecret(secretName, null);
      } catch (RuntimeException e) {
        LOG.warn("cannot remove the user secret {}: {}", secretName, e.getMessage());
      }
    }
  }
}
