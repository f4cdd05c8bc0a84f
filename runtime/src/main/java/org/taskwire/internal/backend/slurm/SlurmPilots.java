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
import org.taskwire.internal.backend.ClassDataArchive;
import org.taskwire.internal.backend.WorkflowClassPath;
import org.taskwire.internal.backend.pilot.PilotLauncher;
import org.taskwire.internal.backend.pilot.PilotPool;
import org.taskwire.internal.backend.pilot.PilotShape;
import org.taskwire.internal.config.TaskwireConfig;

/**
 * Slurm in pilots mode: each request for pilots is one array job, {@code --array=0-(n-1)}, whose
 * tasks run the wrapper with {@code --pilot}; Slurm warns each with {@code SIGUSR1} ahead of its
 * walltime's end ({@code --signal}). The pilots' shape is in the job's comment, so that a resumed
 * client knows which calls the pilots of the one before it may take.
 */
final class SlurmPilots implements PilotLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(SlurmPilots.class);
  private static final String COMMENT = "taskwire-pilot:";
  /** Slurm sends signals with a resolution of a minute; the warning never comes later than this before the end. */
  private static final Duration WARNING = Duration.ofSeconds(120);

  private final BackendContext context;
  private final TaskwireConfig config;
  private final Path runDirectory;
  private final Path logs;
  private final List<Path> classpath;
  private final Optional<ClassDataArchive> classData;

  static Backend backend(BackendContext context) {
    TaskwireConfig config = context.config();
    String host = config.get(SlurmBackendProvider.CLIENT_HOST);
    PilotPool.Settings settings = new PilotPool.Settings(config.get(SlurmBackendProvider.PILOTS_MIN),
        config.get(SlurmBackendProvider.PILOTS_MAX), config.get(SlurmBackendProvider.PILOT_WALLTIME),
        config.get(SlurmBackendProvider.PILOT_IDLE), config.get(SlurmBackendProvider.HEARTBEAT),
        config.get(SlurmBackendProvider.POLL_INTERVAL), config.get(SlurmBackendProvider.PENDING_TIMEOUT),
        SlurmBackendProvider.PENDING_TIMEOUT.name(), host);
    if (settings.min() > settings.max()) {
      throw new ConfigurationException(SlurmBackendProvider.PILOTS_MIN.name() + " (" + settings.min() + ") is above "
          + SlurmBackendProvider.PILOTS_MAX.name() + " (" + settings.max() + ")");
    }
    SlurmJobs.checkCommands();
    return new PilotPool(context, settings, config.get(SlurmBackendProvider.BATCH), new SlurmPilots(context));
  }

  private SlurmPilots(BackendContext context) {
    this.context = context;
    this.config = context.config();
    this.runDirectory = SlurmJobs.runDirectory(config, context.runId(), "pilots");
    this.logs = runDirectory.resolve("pilots");
    this.classpath = WorkflowClassPath.resolve(context);
    this.classData = SlurmJobs.classData(config, classpath);
  }

  @Override
  public String name() {
    return "Slurm";
  }

  @Override
  public void open(Map<String, String> environment) throws IOException {
    SlurmJobs.writeTransport(runDirectory, environment);
    LOG.info("Slurm backend: pilots mode, shared directory {}", runDirectory);
  }

  @Override
  public Collection<String> submit(PilotShape shape, int count, Duration walltime, Set<String> excludedNodes)
      throws IOException {
    Path script = runDirectory.resolve("pilot-" + shape.key() + ".sh");
    if (!Files.exists(script)) {
      writeScript(script, shape);
    }
    List<String> cmd = SlurmJobs.sbatch(config, context.runId(), shape.options(), walltime);
    cmd.add("--array=0-" + (count - 1));
    long warning = Math.min(WARNING.toSeconds(), walltime.toSeconds() / 2);
    cmd.add("--signal=B:USR1@" + warning);
    cmd.add("--comment=" + COMMENT + shape.key());
    cmd.add("--output=" + logs.resolve("pilot-%A_%a.txt"));
    if (!excludedNodes.isEmpty()) {
      cmd.add("--exclude=" + String.join(",", excludedNodes));
    }
    cmd.addAll(SlurmJobs.extraArgs(config));
    cmd.add(script.toString());
    cmd.add(Long.toString(walltime.toSeconds()));
    String out = SlurmCommands.run(cmd).strip();
    String jobId = out.contains(";") ? out.substring(0, out.indexOf(';')) : out;
    LOG.debug("submitted {} pilots of {} as Slurm job {} for {}", count, shape.key(), jobId, walltime);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(jobId + "_" + i);
    }
    return ids;
  }

  /** A pilot's script: the wrapper in pilot mode, told when its walltime ends and what it asked for. */
  private void writeScript(Path script, PilotShape shape) throws IOException {
    StringBuilder sh = SlurmJobs.scriptStart(runDirectory, "pilot workers", context.runId(), shape.options());
    String command = SlurmJobs.wrapperScript(config, classpath, classData, shape.options(), args -> args.pilot(
        org.taskwire.internal.backend.WorkerJvm.shellQuote(SlurmJobs.transportFile(runDirectory).toString()),
        "$(( $(date +%s) + $1 ))", shape.key(), Math.max(1, config.get(SlurmBackendProvider.HEARTBEAT).toSeconds())));
    sh.append(command);
    Path tmp = script.resolveSibling(script.getFileName() + ".tmp");
    Files.writeString(tmp, sh.toString(), StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
    Files.move(tmp, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public Map<String, PilotJob> look() {
    Map<String, String[]> seen;
    try {
      seen = SlurmJobs.squeue(context.runId(), "%i|%T|%r|%N|%k");
    } catch (IOException e) {
      LOG.debug("squeue failed: {}", e.getMessage());
      return null;
    }
    Map<String, PilotJob> jobs = new HashMap<>();
    for (String[] f : seen.values()) {
      if (!f[4].startsWith(COMMENT)) {
        continue;
      }
      Phase phase = phase(f[1]);
      jobs.put(f[0], new PilotJob(f[0], f[4].substring(COMMENT.length()), phase, f[1], f[2], f[3],
          phase == Phase.WAITING && SlurmJobs.NEVER_MET.contains(f[2])));
    }
    return jobs;
  }

  /** Where a pilot is in its life, from its Slurm state. */
  static Phase phase(String state) {
    switch (state) {
      case "PENDING": case "CONFIGURING": case "REQUEUED": case "REQUEUE_HOLD": case "REQUEUE_FED": case "SUSPENDED":
      case "RESV_DEL_HOLD": case "SPECIAL_EXIT":
        return Phase.WAITING;
      case "RUNNING": case "COMPLETING": case "STAGE_OUT": case "SIGNALING": case "RESIZING":
        return Phase.RUNNING;
      case "NODE_FAIL": case "BOOT_FAIL": case "PREEMPTED":
        return Phase.NODE_LOST;
      default:
        return Phase.ENDED;
    }
  }

  @Override
  public String describe(String job) {
    try {
      String out = SlurmCommands.run(List.of("squeue", "-h", "--states=all", "-j", job, "-o", "%T|%r|%N")).strip();
      if (out.isEmpty()) {
        return "Slurm job " + job + " is no longer listed";
      }
      String[] f = out.lines().findFirst().orElse("").split("\\|", -1);
      return "Slurm job " + job + " " + f[0] + (f.length > 2 && !f[2].isEmpty() ? " on " + f[2] : "")
          + (f.length > 1 && !f[1].isEmpty() && !f[1].equals("None") ? " (" + f[1] + ")" : "");
    } catch (IOException e) {
      return "Slurm job " + job + ": " + e.getMessage();
    }
  }

  @Override
  public Path logOf(String job) {
    return logs.resolve("pilot-" + job + ".txt");
  }

  @Override
  public void cancel(Collection<String> jobs) {
    SlurmJobs.scancel(new ArrayList<>(jobs));
  }

  /** The transport file goes first, so that no pilot finds its way back; then every job of the run. */
  @Override
  public void close() {
    try {
      Files.deleteIfExists(SlurmJobs.transportFile(runDirectory));
    } catch (IOException e) {
      LOG.warn("cannot remove {}: {}", SlurmJobs.transportFile(runDirectory), e.getMessage());
    }
    SlurmJobs.scancelRun(context.runId());
  }
}
