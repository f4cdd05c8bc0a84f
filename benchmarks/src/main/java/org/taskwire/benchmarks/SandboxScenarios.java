package org.taskwire.benchmarks;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.taskwire.internal.sandbox.Sandbox;
import org.taskwire.internal.sandbox.SandboxBuilder;

/**
 * sandbox_build and sandbox_recheck: the samples' class path packed into a sandbox with an empty
 * cache, then checked again unchanged (which must find the built one without writing anything).
 */
final class SandboxScenarios {
  private SandboxScenarios() {}

  static List<Figure> run(Plan plan, String samplesClasspath, Path work, Harness.Log log) throws Exception {
    int entries = samplesClasspath.split(File.pathSeparator).length;
    log.say("sandbox_build: %d class path entries", entries);
    Path cache = Files.createDirectories(work.resolve("sandbox-cache"));
    long t0 = System.nanoTime();
    Sandbox built = SandboxBuilder.forClasspath(samplesClasspath).cacheDirectory(cache).build();
    double buildMs = (System.nanoTime() - t0) / 1e6;
    double mb = built.bytes() / 1e6;

    log.say("sandbox_recheck: %d times", plan.sandboxRechecks());
    long[] nanos = new long[plan.sandboxRechecks()];
    for (int i = 0; i < nanos.length; i++) {
      long r0 = System.nanoTime();
      Sandbox again = SandboxBuilder.forClasspath(samplesClasspath).cacheDirectory(cache).build();
      nanos[i] = System.nanoTime() - r0;
      LocalScenarios.check(again.hash().equals(built.hash()), "the unchanged class path gave another sandbox");
    }
    return List.of(
        Figure.of("sandbox_build", buildMs, "ms", 1, String.format(
            "samples class path (%d entries) packed cold into %s", entries, built.file().getFileName())),
        Figure.of("sandbox_size", mb, "MB", 1, "the samples sandbox, gzip tarball"),
        Figure.latencyMs("sandbox_recheck", nanos, "unchanged class path recognised from cached file hashes"));
  }
}
