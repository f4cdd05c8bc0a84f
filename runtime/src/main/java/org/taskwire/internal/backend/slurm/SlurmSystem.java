package org.taskwire.internal.backend.slurm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.ConfigurationException;
import org.taskwire.internal.backend.Backend;
import org.taskwire.internal.backend.BackendContext;
import org.taskwire.internal.backend.ResultTransport;
import org.taskwire.internal.backend.Task;
import org.taskwire.internal.backend.ClassDataArchive;
import org.taskwire.internal.backend.WorkerJvm;
import org.taskwire.internal.backend.WorkerLogs;
import org.taskwire.internal.backend.WorkflowClassPath;
import org.taskwire.internal.backend.batch.BatchBackend;
import org.taskwire.internal.backend.batch.BatchSystem;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.call.EnvelopeJson;
import org.taskwire.internal.backend.Cause;
import org.taskwire.internal.backend.Failure;
import org.taskwire.internal.backend.PendingWatch;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.config.TaskwireConfig;
import org.taskwire.internal.journal.RunDirectory;
import org.taskwire.spi.JobOptions;

/**
 * Slurm as a batch system, in jobs mode: each task is an array job (several, past the site's
 * {@code MaxArraySize}) whose array task {@code i} runs call {@code i} from a calls directory on
 * the shared file system, and writes its result file there as the last resort of delivery. Jobs
 * are named {@code tw-<run id>}, so that {@code scancel --name} finds a run's jobs.
 */
final class SlurmSystem implements BatchSystem {
  private static final Logger LOG = LoggerFactory.getLogger(SlurmSystem.class);
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  private final BackendContext context;
  private final TaskwireConfig config;
  private final ResultTransport transport;
  private final Path runDirectory;
  private final List<Path> classpath;
  private final Optional<ClassDataArchive> classData;

  static Backend backend(BackendContext context) {
    TaskwireConfig config = context.config();
    BatchBackend.Timing timing = new BatchBackend.Timing(config.get(SlurmBackendProvider.POLL_INTERVAL),
        config.get(SlurmBackendProvider.RESULT_GRACE), KILL_WAIT, config.get(SlurmBackendProvider.STEP_WINDOW));
    return new BatchBackend(context, timing, transport -> new SlurmSystem(context, transport));
  }

  private SlurmSystem(BackendContext context, ResultTransport transport) {
    this.context = context;
    this.config = context.config();
    this.transport = transport;
    SlurmJobs.checkCommands();
    this.runDirectory = SlurmJobs.runDirectory(config, context.runId(), "");
    this.classpath = WorkflowClassPath.resolve(context);
    this.classData = SlurmJobs.classData(config, classpath);
    this.pollInterval = config.get(SlurmBackendProvider.POLL_INTERVAL);
    this.pending = new PendingWatch(config.get(SlurmBackendProvider.PENDING_TIMEOUT),
        SlurmBackendProvider.PENDING_TIMEOUT.name());
    this.accounting = SlurmJobs.accounting(config);
    try {
      writeTransport();
    } catch (IOException e) {
      throw new ConfigurationException("cannot write the run's transport file in " + runDirectory + ": "
          + e.getMessage(), e);
    }
    LOG.info("Slurm backend: jobs mode, shared directory {}, accounting {}", runDirectory, accounting ? "on" : "off");
  }

  @Override
  public String name() {
    return "Slurm";
  }

  @Override
  public String submit(Task task, String name, JobOptions options) throws IOException {
    Path dir = runDirectory.resolve(name);
    RunDirectory.createPrivateDirectories(dir);
    List<CallEnvelope> calls = task.calls();
    for (int i = 0; i < calls.size(); i++) {
      Files.write(dir.resolve("call-" + i + ".json"), EnvelopeJson.toJson(calls.get(i)));
    }
    Path script = dir.resolve("job.sh");
    writeScript(script, dir, options);
    int chunk = config.get(SlurmBackendProvider.MAX_ARRAY_SIZE);
    List<String> parts = new ArrayList<>();
    List<String> submitted = new ArrayList<>();
    try {
      for (int offset = 0; offset < calls.size(); offset += chunk) {
        int size = Math.min(chunk, calls.size() - offset);
        String jobId = SlurmCommands.run(sbatch(dir, script, options, offset, size)).strip();
        int semicolon = jobId.indexOf(';');
        jobId = semicolon >= 0 ? jobId.substring(0, semicolon) : jobId;
        submitted.add(jobId);
        parts.add(jobId + "@" + offset);
      }
    } catch (IOException e) {
      // The task fails whole: the array jobs of it already submitted must not run unwatched.
      scancel(submitted);
      throw e;
    }
    // The id names the task's directory too, so that a resumed client finds its result files.
    String id = name + "/" + String.join(",", parts);
    submittedAt.put(id, System.nanoTime());
    return id;
  }

  private List<String> sbatch(Path dir, Path script, JobOptions options, int offset, int size) {
    List<String> cmd = SlurmJobs.sbatch(config, context.runId(), options,
        options.walltime() == null ? JobOptions.BUILT_IN.walltime() : options.walltime());
    int throttle = config.get(SlurmBackendProvider.ARRAY_THROTTLE);
    cmd.add("--array=0-" + (size - 1) + (throttle < size ? "%" + throttle : ""));
    cmd.add("--output=" + dir.resolve("log-" + offset + "-%a.txt"));
    cmd.addAll(SlurmJobs.extraArgs(config));
    cmd.add(script.toString());
    cmd.add(Integer.toString(offset));
    return cmd;
  }

  /** The array task's script: the wrapper on the call its index names. */
  private void writeScript(Path script, Path dir, JobOptions options) throws IOException {
    StringBuilder sh = SlurmJobs.scriptStart(runDirectory, "one array task per call", context.runId(), options);
    sh.append("i=$(( ${SLURM_ARRAY_TASK_ID:?not an array task} + $1 ))\n");
    String command = SlurmJobs.wrapperScript(config, classpath, classData, options, args -> args.callFile(
        WorkerJvm.shellQuote(dir.toString()) + "/call-$i.json", WorkerJvm.shellQuote(dir.toString()) + "/result-$i.json"));
    sh.append(command);
    Files.writeString(script, sh.toString(), StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
  }

  private Path transportFile() {
    return SlurmJobs.transportFile(runDirectory);
  }

  private void writeTransport() throws IOException {
    Map<String, String> env = new HashMap<>(transport.workerEnvironment());
    env.putAll(context.dataEnvironment());
    SlurmJobs.writeTransport(runDirectory, env);
  }

  /** Jobs of a resumed run that start from now on reach this client. */
  @Override
  public void reattaching() throws IOException {
    writeTransport();
  }


  /** The array jobs of a task ({@code <directory>/<job>@<first call>,...}): job id to the index of its first call. */
  private static Map<String, Integer> parts(String taskId) {
    Map<String, Integer> parts = new java.util.LinkedHashMap<>();
    for (String part : taskId.substring(taskId.lastIndexOf('/') + 1).split(",")) {
      int at = part.indexOf('@');
      parts.put(part.substring(0, at), Integer.parseInt(part.substring(at + 1)));
    }
    return parts;
  }

  @Override
  public Optional<TaskLook> look(SubmittedTask task, Set<String> finalJobs) {
    Map<String, Integer> parts = parts(task.id());
    Map<String, String[]> seen = queue(task.id());
    if (seen == null) {
      // A passing failure of the controller: look again next time.
      return Optional.of(new TaskLook("unknown", false, List.of()));
    }
    List<Job> jobs = new ArrayList<>();
    int running = 0;
    int waiting = 0;
    boolean allFinal = true;
    // Each array job runs the calls from its first one to the next job's first (the last: to the end).
    List<Integer> firsts = new ArrayList<>(parts.values());
    firsts.add(task.task().calls().size());
    int next = 1;
    for (Map.Entry<String, Integer> part : parts.entrySet()) {
      int size = firsts.get(next++) - part.getValue();
      for (int a = 0; a < size; a++) {
        String id = part.getKey() + "_" + a;
        int index = part.getValue() + a;
        if (finalJobs.contains(id)) {
          continue;
        }
        Job job = job(task, id, index, part.getValue(), a, seen.get(id));
        if (job.phase() == Phase.RUNNING) {
          running++;
        } else if (job.phase() == Phase.WAITING) {
          waiting++;
        }
        allFinal &= job.phase().isFinal();
        jobs.add(job);
      }
    }
    return Optional.of(new TaskLook(running + " running, " + waiting + " pending", allFinal, jobs));
  }

  private Job job(SubmittedTask task, String id, int index, int offset, int arrayIndex, String[] squeue) {
    long callId = task.task().calls().get(index).callId();
    int attempt = task.attemptOf(1);
    Path dir = runDirectory.resolve(nameOf(task));
    String log = dir.resolve("log-" + offset + "-" + arrayIndex + ".txt").toString();
    if (squeue == null) {
      squeue = accounted(id);
    }
    if (squeue == null) {
      // Gone from squeue (older than MinJobAge), and no accounting: its result file tells whether it finished.
      boolean finished = Files.exists(dir.resolve("result-" + index + ".json"));
      return new Job(id, callId, finished ? Phase.FINISHED : Phase.GONE, attempt, false,
          "Slurm job " + id + ", no longer listed by squeue", null, log);
    }
    String state = squeue[1];
    String account = "Slurm job " + id + " " + state + (squeue[3].isEmpty() ? "" : " on " + squeue[3])
        + (squeue[2].isEmpty() || squeue[2].equals("None") ? "" : " (" + squeue[2] + ")");
    Outcome outcome = outcome(state, account, task.task().options());
    if (outcome.phase() == Phase.WAITING && SlurmJobs.NEVER_MET.contains(squeue[2])) {
      String why = pending.heldNoWaitCures(id, account);
      if (why != null) {
        scancel(List.of(id));
        return new Job(id, callId, Phase.FAILED, attempt, false, account, Failure.of(Cause.Seen.REFUSED, why), null);
      }
    }
    java.util.Optional<String> memory = outcome.phase() == Phase.FAILED || outcome.phase() == Phase.CANCELLED
        ? WorkerLogs.outOfMemory(WorkerLogs.tail(Path.of(log))) : java.util.Optional.empty();
    if (memory.isPresent()) {
      // Without cgroups Slurm says FAILED or CANCELLED of a job it killed above its --mem, and so
      // does a JVM that hit its -Xmx: the log tells.
      outcome = outcome("OUT_OF_MEMORY", account + " (its log: " + memory.get() + ")", task.task().options());
    }
    if (outcome.phase() == Phase.FAILED && Files.exists(dir.resolve("result-" + index + ".json"))) {
      // The call ran to its end and wrote its outcome; only its delivery failed (a client that
      // died in the meantime): the result file tells.
      outcome = new Outcome(Phase.FINISHED, null);
    }
    return new Job(id, callId, outcome.phase(), attempt, false, account, outcome.failure(),
        outcome.phase() == Phase.WAITING ? null : log);
  }

  /** Jobs pending for a reason of {@link SlurmJobs#NEVER_MET}. */
  private final PendingWatch pending;

  /** A job's phase, and for a failed one why, from its Slurm state. */
  record Outcome(Phase phase, Failure failure) {}

  /** What a Slurm job state means for its call. */
  static Outcome outcome(String state, String account, JobOptions options) {
    switch (state) {
      case "COMPLETED":
        return new Outcome(Phase.FINISHED, null);
      case "RUNNING": case "COMPLETING": case "STAGE_OUT": case "SIGNALING": case "RESIZING":
        return new Outcome(Phase.RUNNING, null);
      case "CANCELLED":
        return new Outcome(Phase.CANCELLED,
            Failure.of(Cause.Seen.KILLED, account + ": cancelled by scancel or an administrator"));
      case "TIMEOUT": case "DEADLINE":
        return new Outcome(Phase.FAILED, Failure.of(Cause.Seen.WALLTIME,
            account + ": killed after it exceeded its walltime of " + options.walltime() + " (--time)"));
      case "OUT_OF_MEMORY":
        return new Outcome(Phase.FAILED, Failure.of(Cause.Seen.OUT_OF_MEMORY,
            account + ": killed when it exceeded its memory of " + SlurmJobs.memoryMb(options) + " MB (--mem); raise "
                + "memoryMb (or -Xmx in taskwire.slurm.jvm-options below it)"));
      case "FAILED":
        return new Outcome(Phase.FAILED, Failure.of(Cause.Seen.WORKER_DIED, account + ": its worker ended without a result"));
      case "NODE_FAIL": case "BOOT_FAIL": case "PREEMPTED":
        return new Outcome(Phase.FAILED, Failure.of(Cause.Seen.NODE_LOST, account + ": its worker ended without a result"));
      default:
        // PENDING, CONFIGURING, REQUEUED, SUSPENDED and the holds: not started yet, or paused.
        return new Outcome(Phase.WAITING, null);
    }
  }

  /**
   * Every array task of the run as squeue lists it (job id to its fields), from one squeue per
   * watch cycle for the whole run: the skeleton looks at each task in turn, within moments.
   * Null when squeue failed.
   */
  private synchronized Map<String, String[]> queue(String taskId) {
    long now = System.nanoTime();
    Long submitted = submittedAt.get(taskId);
    // A listing from before the task was submitted would not hold its jobs yet.
    boolean fresh = queue != null && now - queueAt < pollInterval.toNanos() / 2
        && (submitted == null || queueAt - submitted > 0);
    if (fresh) {
      return queue;
    }
    try {
      Map<String, String[]> seen = SlurmJobs.squeue(context.runId(), "%i|%T|%r|%N");
      queue = seen;
      queueAt = now;
      return seen;
    } catch (IOException e) {
      LOG.debug("squeue failed: {}", e.getMessage());
      return null;
    }
  }

  /**
   * What sacct says of a job squeue no longer lists, when Slurm keeps accounting; null when it
   * knows nothing of it. One sacct per watch cycle at most, and only when a job went missing.
   */
  private synchronized String[] accounted(String jobId) {
    if (!accounting) {
      return null;
    }
    if (accounted == null || accountedAt != queueAt) {
      try {
        accounted = SlurmJobs.sacct(context.runId());
      } catch (IOException e) {
        LOG.debug("sacct failed: {}", e.getMessage());
        accounted = Map.of();
      }
      accountedAt = queueAt;
    }
    return accounted.get(jobId);
  }

  private final boolean accounting;
  private Map<String, String[]> accounted;
  private long accountedAt;
  private Map<String, String[]> queue;
  private long queueAt;
  private final Duration pollInterval;
  /** When each task of this client was submitted (System.nanoTime). */
  private final Map<String, Long> submittedAt = new java.util.concurrent.ConcurrentHashMap<>();

  /** The task's directory: the name it was submitted under, the start of its id. */
  private static String nameOf(SubmittedTask task) {
    return task.id().substring(0, task.id().lastIndexOf('/'));
  }

  @Override
  public Map<String, JobRecord> records(SubmittedTask task, Collection<String> jobIds) {
    Map<String, Integer> parts = parts(task.id());
    Path dir = runDirectory.resolve(nameOf(task));
    Map<String, JobRecord> records = new HashMap<>();
    for (String jobId : jobIds) {
      int underscore = jobId.lastIndexOf('_');
      int index = parts.get(jobId.substring(0, underscore)) + Integer.parseInt(jobId.substring(underscore + 1));
      Path file = dir.resolve("result-" + index + ".json");
      try {
        records.put(jobId, new JobRecord(EnvelopeJson.fromJson(Files.readAllBytes(file), ResultEnvelope.class), null));
      } catch (IOException e) {
        records.put(jobId, new JobRecord(null, Failure.of(Cause.Seen.RESULT_LOST, "Slurm job " + jobId
            + " finished, but its result never arrived and its result file " + file + " cannot be read: "
            + e.getMessage())));
      }
    }
    return records;
  }

  @Override
  public void killTask(String taskId) {
    scancel(new ArrayList<>(parts(taskId).keySet()));
  }

  @Override
  public boolean registered(String taskId) {
    return true; // sbatch returned its id: the controller has it
  }

  @Override
  public void killJobs(List<String> jobIds) {
    scancel(jobIds);
  }

  private static void scancel(List<String> ids) {
    SlurmJobs.scancel(ids);
  }

  /** Cancels every job of a run by its name, and removes its transport file ({@code taskwire kill}). */
  static List<String> kill(String runId, TaskwireConfig config) {
    try {
      String listed = SlurmCommands.run(List.of("squeue", "-h", "--name=" + SlurmJobs.jobName(runId), "-o", "%i"));
      SlurmCommands.run(List.of("scancel", "--name=" + SlurmJobs.jobName(runId)));
      Files.deleteIfExists(config.path(SlurmBackendProvider.SHARED_DIR).resolve(runId).resolve("transport.env"));
      return listed.lines().map(String::strip).filter(l -> !l.isEmpty()).map(id -> "Slurm job " + id).toList();
    } catch (IOException e) {
      throw new org.taskwire.TaskwireException("cannot cancel the Slurm jobs of run " + runId + ": " + e.getMessage(), e);
    }
  }

  /** The transport file holds the run's secret: it goes with the run (a resumed run writes it again). */
  @Override
  public void close() {
    try {
      Files.deleteIfExists(transportFile());
    } catch (IOException e) {
      LOG.warn("cannot remove {}: {}", transportFile(), e.getMessage());
    }
  }
}
