package org.taskwire.benchmarks;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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

  /**
   * @param jvmOptions options for the job's JVM on top of those a PanDA job gets
   */
  static Figure run(Plan plan, String name, List<String> jvmOptions, Path work, Harness.Log log) throws Exception {
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
        int warmup = plan.quick() ? 0 : 2;
        log.say("%s: %d fresh wrapper JVMs %s", name, plan.coldJobs(), jvmOptions);
        long[] nanos = new long[plan.coldJobs()];
        for (int i = -warmup; i < nanos.length; i++) {
          long callId = i + warmup + 1;
          byte[] arguments = codec.encodeArguments(Bench_WorkRegistry.INC, new BenchTasks.IncArgs((int) callId));
          Path dir = Files.createDirectories(work.resolve("job-" + name + "-" + callId));
          List<String> command = new ArrayList<>();
          command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
          command.add("-Xmx384m");
          command.add("-XX:+UseSerialGC");
          command.addAll(jvmOptions);
          command.add("-XX:+ExitOnOutOfMemoryError");
          command.add("-cp");
          command.add(String.join(File.pathSeparator, opened.classpath().stream().map(Path::toString).toList()));
          command.add(SandboxManifest.WRAPPER_MAIN);
          command.addAll(List.of("--sandbox", sandbox.file().toString(), "--sandbox-cache", extracted.toString(),
              "--job-call", GridCalls.name(callId, arguments), "--run", runId, "--work", Bench_WorkRegistry.INC.id(),
              "--codec", codec.name(), "--transport-from", SECRET));
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
        return Figure.latencyMs(name, nanos, "fresh JVM " + String.join(" ", jvmOptions)
            + " from start to the collector accepting its STOMP result; sandbox of "
            + opened.classpath().size() + " class path entries already extracted");
      }
    }
  }
}
