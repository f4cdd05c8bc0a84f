package org.taskwire.benchmarks;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.taskwire.internal.backend.ClassDataArchive;
import org.taskwire.internal.backend.WorkerJvm;
import org.taskwire.internal.backend.panda.GridCalls;
import org.taskwire.internal.codec.Codecs;
import org.taskwire.internal.codec.PayloadCodec;
import org.taskwire.internal.sandbox.Sandbox;
import org.taskwire.internal.sandbox.SandboxBuilder;
import org.taskwire.internal.sandbox.SandboxManifest;
import org.taskwire.internal.sandbox.SandboxStore;
import org.taskwire.internal.transport.ResultReceiver;
import org.taskwire.internal.transport.TransportSettings;
import org.taskwire.internal.transport.stomp.EmbeddedBroker;

/**
 * cold_job: what a grid job costs besides the work itself. A fresh JVM runs the command a PanDA
 * job runs ({@code --job-call} on the call's pseudo-file name, the transport from a user-secret
 * variable, {@code userJobMetadata.json} written) from an already extracted sandbox, and
 * publishes the signed result over STOMP; the figure runs from process start to the collector
 * accepting the result.
 */
final class ColdJob {
  private static final String SECRET = "TASKWIRE_RUN_BENCH";

  private ColdJob() {}

  /** The options every measured JVM gets, as a PanDA job's does. */
  private static final List<String> JOB_JVM = List.of("-Xmx384m", "-XX:+UseSerialGC");

  /**
   * bare_jvm: a fresh JVM with a job's options that prints one line and exits, from process start
   * to its exit; what {@code cold_job} is measured against.
   */
  static Figure bareJvm(Plan plan, Path work, Harness.Log log) throws Exception {
    Path classes = Files.createDirectories(work.resolve("bare"));
    String resource = BareMain.class.getName().replace('.', '/') + ".class";
    Path file = classes.resolve(resource);
    Files.createDirectories(file.getParent());
    try (var in = ColdJob.class.getClassLoader().getResourceAsStream(resource)) {
      Files.write(file, in.readAllBytes());
    }
    int warmup = plan.quick() ? 0 : 2;
    log.say("bare_jvm: %d fresh JVMs printing a line", plan.coldJobs());
    long[] nanos = new long[plan.coldJobs()];
    for (int i = -warmup; i < nanos.length; i++) {
      List<String> command = new ArrayList<>();
      command.add(java());
      command.addAll(JOB_JVM);
      command.addAll(List.of("-cp", classes.toString(), BareMain.class.getName()));
      long t0 = System.nanoTime();
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String line = new String(p.getInputStream().readAllBytes()).strip();
      LocalScenarios.check(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 && line.equals(BareMain.LINE),
          "the bare JVM said '" + line + "'");
      if (i >= 0) {
        nanos[i] = System.nanoTime() - t0;
      }
    }
    return Figure.latencyMs("bare_jvm", nanos, "fresh JVM " + String.join(" ", JOB_JVM)
        + " whose main prints one line, from start to exit");
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * cold_job_classes: how many classes one cold job loads ({@code -Xlog:class+load}), with the
   * largest groups by package in the note.
   */
  static Figure classes(Path work, Harness.Log log) throws Exception {
    Path list = Files.createDirectories(work).resolve("classes.log");
    run(Plan.QUICK, "cold_job_classes", List.of("-Xlog:class+load=info:file=" + list), work, log);
    java.util.Map<String, Integer> groups = new java.util.TreeMap<>();
    int total = 0;
    for (String line : Files.readAllLines(list)) {
      int end = line.indexOf(" source: ");
      int start = line.lastIndexOf(' ', end - 1) + 1;
      if (end < 0) {
        continue;
      }
      total++;
      String[] parts = line.substring(start, end).split("\\.");
      String group = parts.length > 2 ? parts[0] + "." + parts[1] + (parts[0].equals("org") || parts[0].equals("com")
          ? "." + parts[2] : "") : parts[0];
      groups.merge(group, 1, Integer::sum);
    }
    StringBuilder note = new StringBuilder("classes one cold job loads; the largest groups: ");
    groups.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(8)
        .forEach(e -> note.append(e.getKey()).append(' ').append(e.getValue()).append(", "));
    note.setLength(note.length() - 2);
    return Figure.of("cold_job_classes", total, "classes", 1, note.toString());
  }

  /**
   * @param jvmOptions options for the job's JVM on top of those a PanDA job gets
   */
  static Figure run(Plan plan, String name, List<String> jvmOptions, Path work, Harness.Log log) throws Exception {
    return run(plan, name, jvmOptions, false, work, log);
  }

  /**
   * cold_job_appcds: the same job started by the lines a Slurm job's script has around its JVM
   * ({@link ClassDataArchive}), so that the first job (a warm-up one) writes the class-data archive
   * of its class path at its exit and every measured job maps it.
   */
  static Figure withSharedArchive(Plan plan, String name, Path work, Harness.Log log) throws Exception {
    return run(plan, name, List.of(), true, work, log);
  }

  private static Figure run(Plan plan, String name, List<String> jvmOptions, boolean sharedArchive, Path work,
      Harness.Log log) throws Exception {
    Path cache = Files.createDirectories(work.resolve("sandboxes"));
    Sandbox sandbox = SandboxBuilder.forClasspath(System.getProperty("java.class.path")).cacheDirectory(cache).build();
    Path extracted = work.resolve("extracted");
    SandboxStore.Opened opened = new SandboxStore(extracted).open(sandbox.file().toString());
    PayloadCodec codec = Codecs.byName(Bench_WorkRegistry.WORKFLOW, "kryo");
    String runId = UUID.randomUUID().toString();
    try (EmbeddedBroker broker = EmbeddedBroker.start(TransportScenarios.MAX_BYTES + 65536)) {
      TransportSettings settings = TransportScenarios.brokerOnly(broker);
      Map<Long, CompletableFuture<Long>> arrived = new ConcurrentHashMap<>();
      try (ResultReceiver receiver = ResultReceiver.open(settings, runId,
          r -> TransportScenarios.arrival(arrived, r.callId()).complete(System.nanoTime()),
          Duration.ofSeconds(10))) {
        // With a shared archive, the first warm-up job is the one that writes it.
        int warmup = plan.quick() ? (sharedArchive ? 1 : 0) : 2;
        Optional<ClassDataArchive> archive = sharedArchive
            ? ClassDataArchive.forJobs(work.resolve("class-data-" + runId), java(), opened.classpath())
            : Optional.empty();
        LocalScenarios.check(archive.isPresent() == sharedArchive, "the sandbox's class path cannot be archived");
        log.say("%s: %d fresh wrapper JVMs %s", name, plan.coldJobs(), sharedArchive ? "with the jobs' class-data archive" : jvmOptions);
        long[] nanos = new long[plan.coldJobs()];
        for (int i = -warmup; i < nanos.length; i++) {
          long callId = i + warmup + 1;
          byte[] arguments = codec.encodeArguments(Bench_WorkRegistry.INC, new BenchTasks.IncArgs((int) callId));
          Path dir = Files.createDirectories(work.resolve("job-" + name + "-" + callId));
          List<String> command = new ArrayList<>();
          command.add(java());
          command.addAll(JOB_JVM);
          command.addAll(jvmOptions);
          command.add("-XX:+ExitOnOutOfMemoryError");
          command.add("-cp");
          command.add(String.join(File.pathSeparator, opened.classpath().stream().map(Path::toString).toList()));
          command.add(SandboxManifest.WRAPPER_MAIN);
          command.addAll(List.of("--sandbox", sandbox.file().toString(), "--sandbox-cache", extracted.toString(),
              "--job-call", GridCalls.name(callId, arguments), "--run", runId, "--work", Bench_WorkRegistry.INC.id(),
              "--codec", codec.name(), "--transport-from", SECRET));
          if (sharedArchive) {
            command = List.of("sh", "-c", ClassDataArchive.script(archive,
                command.stream().map(WorkerJvm::shellQuote).toList()));
          }
          ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
              .redirectErrorStream(true).redirectOutput(dir.resolve("job.log").toFile());
          pb.environment().put(SECRET, settings.toSecret());
          long t0 = System.nanoTime();
          Process p = pb.start();
          long at = TransportScenarios.arrival(arrived, callId).get(60, TimeUnit.SECONDS);
          LocalScenarios.check(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0,
              "the job exited with " + p.exitValue() + "; see " + dir.resolve("job.log"));
          if (i >= 0) {
            nanos[i] = at - t0;
          }
        }
        LocalScenarios.check(receiver.rejected() == 0, receiver.rejected() + " results were rejected");
        return Figure.latencyMs(name, nanos, "fresh JVM " + (sharedArchive
            ? "started by a Slurm job's lines around it, mapping the class-data archive the first job wrote"
            : String.join(" ", jvmOptions))
            + " from start to the collector accepting its STOMP result; sandbox of "
            + opened.classpath().size() + " class path entries already extracted");
      }
    }
  }
}
