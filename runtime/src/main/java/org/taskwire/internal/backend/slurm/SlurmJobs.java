package org.taskwire.internal.backend.slurm;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.internal.backend.ClassDataArchive;
import org.taskwire.internal.backend.WrapperArgs;
import org.taskwire.internal.backend.WorkerJvm;
import org.taskwire.internal.config.TaskwireConfig;
import org.taskwire.internal.journal.RunDirectory;
import org.taskwire.spi.JobOptions;

/**
 * What every Slurm job of a run shares, in jobs and in pilots mode: its name, the sbatch flags a
 * work's options and the {@code taskwire.slurm.*} keys become, the wrapper's command line, the
 * run's transport file, and cancelling.
 */
final class SlurmJobs {
  private static final Logger LOG = LoggerFactory.getLogger(SlurmJobs.class);

  /**
   * Reasons a job pends that no wait cures: the request exceeds a limit of its partition, QOS or
   * account. A pending job with one of these fails after {@code taskwire.slurm.pending-timeout}.
   */
  static final Set<String> NEVER_MET = Set.of("PartitionTimeLimit", "PartitionNodeLimit", "PartitionConfig",
      "BadConstraints", "InvalidQOS", "InvalidAccount", "QOSMaxWallDurationPerJobLimit",
      "AssocMaxWallDurationPerJobLimit", "QOSMaxCpuPerJobLimit", "AssocMaxCpuPerJobLimit", "QOSMaxMemoryPerJob",
      "QOSMaxNodePerJobLimit", "AssocMaxNodesPerJobLimit");

  private SlurmJobs() {}

  /** The name every job of a run has, so that {@code scancel --name} finds them. */
  static String jobName(String runId) {
    return "tw-" + runId;
  }

  /**
   * Creates the run's directory in {@code taskwire.slurm.shared-dir}, and a directory in it, both
   * readable by the user alone (the transport file holds the run's key).
   *
   * @param inside a directory to create in it too, or empty
   * @return the run's directory
   */
  static Path runDirectory(TaskwireConfig config, String runId, String inside) {
    Path dir = config.path(SlurmBackendProvider.SHARED_DIR).resolve(runId);
    try {
      RunDirectory.createPrivateDirectories(inside.isEmpty() ? dir : dir.resolve(inside));
    } catch (IOException e) {
      throw new org.taskwire.ConfigurationException("cannot create the run's directory " + dir
          + " in taskwire.slurm.shared-dir: " + e.getMessage(), e);
    }
    return dir;
  }

  /** The run's transport file, readable by the user alone: how its jobs reach the client, secret included. */
  static Path transportFile(Path runDirectory) {
    return runDirectory.resolve("transport.env");
  }

  /** Writes the transport file as {@code export NAME='value'} lines, replacing an earlier client's. */
  static void writeTransport(Path runDirectory, Map<String, String> environment) throws IOException {
    StringBuilder env = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
      env.append("export ").append(e.getKey()).append('=').append(WorkerJvm.shellQuote(e.getValue())).append('\n');
    }
    RunDirectory.writePrivate(transportFile(runDirectory), env.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The flags of an sbatch for a run's job: its name, the options as resources ({@code --time},
   * {@code --mem}, {@code --cpus-per-task}, {@code --partition}), the site's account, QOS,
   * constraint and GRES, and no requeue. The extra arguments go last, so that they win.
   */
  static List<String> sbatch(TaskwireConfig config, String runId, JobOptions options, Duration walltime) {
    List<String> cmd = new ArrayList<>(List.of("sbatch", "--parsable", "--job-name=" + jobName(runId)));
    cmd.add("--time=" + time(walltime));
    cmd.add("--mem=" + memoryMb(options) + "M");
    cmd.add("--cpus-per-task=" + (options.cores() == null ? 1 : options.cores()));
    if (options.queue() != null && !options.queue().isEmpty()) {
      cmd.add("--partition=" + options.queue());
    }
    addIfSet(cmd, "--account=", config.get(SlurmBackendProvider.ACCOUNT));
    addIfSet(cmd, "--qos=", config.get(SlurmBackendProvider.QOS));
    addIfSet(cmd, "--constraint=", config.get(SlurmBackendProvider.CONSTRAINT));
    addIfSet(cmd, "--gres=", config.get(SlurmBackendProvider.GRES));
    cmd.add("--no-requeue");
    return cmd;
  }

  /** {@code taskwire.slurm.extra-args}, for the end of an sbatch. */
  static List<String> extraArgs(TaskwireConfig config) {
    List<String> extra = new ArrayList<>();
    for (String arg : config.get(SlurmBackendProvider.EXTRA_ARGS).trim().split("\\s+")) {
      if (!arg.isEmpty()) {
        extra.add(arg);
      }
    }
    return extra;
  }

  private static void addIfSet(List<String> cmd, String option, String value) {
    if (!value.isBlank()) {
      cmd.add(option + value.trim());
    }
  }

  static int memoryMb(JobOptions options) {
    return options.memoryMb() == null ? JobOptions.BUILT_IN.memoryMb() : options.memoryMb();
  }

  /** Slurm's {@code D-HH:MM:SS}, rounded up to the second. */
  static String time(Duration walltime) {
    long s = Math.max(1, walltime.toSeconds() + (walltime.toNanosPart() > 0 ? 1 : 0));
    return String.format(Locale.ROOT, "%d-%02d:%02d:%02d", s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
  }

  /**
   * A job script's first lines: the run's transport file (read when the job starts, not when it is
   * submitted, since a resumed client rewrites it) and the work's shell setup.
   */
  static StringBuilder scriptStart(Path runDirectory, String what, String runId, JobOptions options) {
    StringBuilder sh = new StringBuilder("#!/bin/sh\n");
    sh.append("# Taskwire run ").append(runId).append(": ").append(what).append('\n');
    sh.append(". ").append(WorkerJvm.shellQuote(transportFile(runDirectory).toString())).append('\n');
    if (options.initEnv() != null && !options.initEnv().isBlank()) {
      sh.append(options.initEnv().strip()).append('\n');
    }
    return sh;
  }

  /**
   * The class-data archive the run's jobs and pilots share, or empty when
   * {@code taskwire.slurm.class-data} is off or the class path holds a directory.
   */
  static Optional<ClassDataArchive> classData(TaskwireConfig config, List<Path> classpath) {
    if (config.get(SlurmBackendProvider.CLASS_DATA).equals("off")) {
      return Optional.empty();
    }
    Optional<ClassDataArchive> archive = ClassDataArchive.forJobs(
        config.path(SlurmBackendProvider.SHARED_DIR).resolve("class-data"), config.get(SlurmBackendProvider.JAVA),
        classpath);
    if (archive.isEmpty()) {
      LOG.debug("no class-data archive for the jobs: their class path holds a directory, and JDK 17 archives only jars");
    }
    return archive;
  }

  /**
   * A job script's last lines: the wrapper's JVM in the given mode, each word quoted for the
   * shell, started with the run's class-data archive when there is one.
   */
  static String wrapperScript(TaskwireConfig config, List<Path> classpath, Optional<ClassDataArchive> classData,
      JobOptions options, java.util.function.UnaryOperator<WrapperArgs> mode) {
    String joined = org.taskwire.internal.backend.WorkflowClassPath.join(classpath);
    WorkerJvm jvm = new WorkerJvm(config.get(SlurmBackendProvider.JAVA), config.get(SlurmBackendProvider.JVM_OPTIONS),
        WorkerJvm.heapForJob(memoryMb(options)), List.of(joined));
    List<String> command = new ArrayList<>();
    for (String part : jvm.command(File.pathSeparator)) {
      command.add(WorkerJvm.shellQuote(part));
    }
    command.addAll(mode.apply(WrapperArgs.fromClasspath(WorkerJvm.shellQuote(joined))).toList());
    return ClassDataArchive.script(classData, command);
  }

  /**
   * Every job of the run squeue lists, array tasks one by one, as the fields of {@code format}
   * split at '|'; by job id (the first field).
   *
   * @throws IOException when squeue fails
   */
  static Map<String, String[]> squeue(String runId, String format) throws IOException {
    String out = SlurmCommands.run(List.of("squeue", "-h", "--states=all", "-r", "--name=" + jobName(runId),
        "-o", format));
    int fields = format.split("\\|", -1).length;
    Map<String, String[]> seen = new java.util.HashMap<>();
    for (String line : out.split("\n")) {
      String[] f = line.strip().split("\\|", -1);
      if (f.length == fields) {
        seen.put(f[0], f);
      }
    }
    return seen;
  }

  /**
   * Whether Slurm keeps accounting here ({@code taskwire.slurm.accounting}, or with {@code auto}
   * its {@code AccountingStorageType}), so that sacct can tell of jobs squeue no longer lists.
   */
  static boolean accounting(TaskwireConfig config) {
    String mode = config.get(SlurmBackendProvider.ACCOUNTING);
    if (!mode.equals("auto")) {
      return mode.equals("on");
    }
    try {
      return SlurmCommands.run(List.of("scontrol", "show", "config")).lines()
          .anyMatch(l -> l.startsWith("AccountingStorageType") && !l.contains("accounting_storage/none"));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Every job of the run sacct knows, ended ones too, array tasks one by one, as {@code [id, state,
   * reason, node]} by job id; the state's first word only ({@code CANCELLED by 0}).
   *
   * @throws IOException when sacct fails (slurmdbd down, say)
   */
  static Map<String, String[]> sacct(String runId) throws IOException {
    String out = SlurmCommands.run(List.of("sacct", "-n", "-P", "-X", "--name=" + jobName(runId),
        "--starttime=now-30days", "-o", "JobID,State,Reason,NodeList"));
    Map<String, String[]> seen = new java.util.HashMap<>();
    for (String line : out.split("\n")) {
      String[] f = line.strip().split("\\|", -1);
      if (f.length == 4) {
        f[1] = f[1].split(" ")[0];
        seen.put(f[0], f);
      }
    }
    return seen;
  }

  static void scancel(List<String> ids) {
    if (ids.isEmpty()) {
      return;
    }
    List<String> cmd = new ArrayList<>(List.of("scancel"));
    cmd.addAll(ids);
    try {
      SlurmCommands.run(cmd);
    } catch (IOException e) {
      LOG.warn("cannot cancel Slurm jobs {}: {}", ids, e.getMessage());
    }
  }

  /** Cancels every job of a run by its name. */
  static void scancelRun(String runId) {
    try {
      SlurmCommands.run(List.of("scancel", "--name=" + jobName(runId)));
    } catch (IOException e) {
      LOG.warn("cannot cancel the Slurm jobs of run {}: {}", runId, e.getMessage());
    }
  }

  /** Checks that this machine can submit jobs. */
  static void checkCommands() {
    try {
      SlurmCommands.run(List.of("sbatch", "--version"));
    } catch (IOException e) {
      throw new org.taskwire.ConfigurationException("taskwire.backend=slurm needs Slurm's commands (sbatch, squeue, "
          + "scancel) on the PATH of this machine, a submit host of the cluster: " + e.getMessage(), e);
    }
  }
}
