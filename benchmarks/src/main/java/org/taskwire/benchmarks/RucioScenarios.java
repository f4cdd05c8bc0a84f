package org.taskwire.benchmarks;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.taskwire.internal.data.rucio.RucioClient;
import org.taskwire.testing.rucio.RucioEmulatorMain;

/**
 * Registering a step's files in Rucio: 10,000 files with their replicas attached to one dataset in
 * the Rucio emulator, as Taskwire's registrar sends them (one {@code /dids/attachments} per 2,000
 * files) and, in the same run, as Rucio's own Python client sends the same requests
 * ({@code DIDClient.attach_dids_to_dids}, what PanDA's server calls) where that client can be
 * imported (its source tree's {@code lib} in {@code RUCIO_PYTHONPATH}; Debian's Python packages).
 */
final class RucioScenarios {
  private static final int BATCH = 2_000;

  private RucioScenarios() {}

  /** Nanoseconds to register {@code files} files in a new dataset, as the registrar sends them. */
  private static long register(RucioClient client, String dataset, int files) {
    client.addDataset("user.taskwire", dataset, "BENCH-SE");
    long t0 = System.nanoTime();
    for (int from = 0; from < files; from += BATCH) {
      List<RucioClient.NewFile> batch = new ArrayList<>();
      for (int i = from; i < Math.min(files, from + BATCH); i++) {
        batch.add(new RucioClient.NewFile(String.format("%s._%06d.1.out.root", dataset, i), 1_000_000L + i, "0badc0de"));
      }
      client.attach("user.taskwire", "BENCH-SE", Map.of(dataset, batch));
    }
    return System.nanoTime() - t0;
  }

  static List<Figure> run(Plan plan, Path work, Harness.Log log) throws Exception {
    int files = plan.quick() ? 1_000 : 10_000;
    List<Figure> figures = new ArrayList<>();
    // The emulator runs in a process of its own, so that both clients meet the same server and the
    // Java client's measurement does not share its JVM.
    Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-cp", System.getProperty("java.class.path"), RucioEmulatorMain.class.getName(), "--port", "0",
        "--rse", "BENCH-SE=http://127.0.0.1:18080/bench/").redirectErrorStream(true).start();
    try {
      URI url = null;
      java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream()));
      for (String line; url == null && (line = lines.readLine()) != null; ) {
        if (line.startsWith("Rucio emulator on ")) {
          url = URI.create(line.substring("Rucio emulator on ".length()).strip());
        }
      }
      if (url == null) {
        throw new IllegalStateException("the Rucio emulator did not start");
      }
      Thread drain = new Thread(() -> {
        try {
          lines.transferTo(java.io.Writer.nullWriter());
        } catch (java.io.IOException e) {
          // the server stopped
        }
      });
      drain.setDaemon(true);
      drain.start();
      log.say("rucio: registering %,d files in one dataset of the emulator, batches of %,d", files, BATCH);
      RucioClient client = new RucioClient(url, "taskwire", new RucioClient.Auth.UserPass("taskwire", "secret"));
      client.whoami();
      // Warm-up, excluded: the same registrations into datasets of their own, which warm both ends' JIT.
      for (int round = 1; round <= 5; round++) {
        register(client, "bench.warmup" + round, files);
      }
      long took = Long.MAX_VALUE;
      for (int round = 1; round <= 5; round++) {
        took = Math.min(took, register(client, "bench.java" + round, files));
      }
      if (client.files("user.taskwire", "bench.java1").size() != files) {
        throw new IllegalStateException("the emulator holds " + client.files("user.taskwire", "bench.java1").size()
            + " files, not " + files);
      }
      figures.add(Figure.of("rucio_register_files", files / (took / 1e9), "files/s", files,
          "Taskwire's Rucio client, best of 5 after 5 warm-up rounds: " + files + " files with replicas attached to one dataset, " + BATCH
              + " per /dids/attachments, emulator in its own process on loopback"));
      String lib = System.getenv("RUCIO_PYTHONPATH");
      if (lib == null || !Files.isDirectory(Path.of(lib, "rucio"))) {
        log.say("rucio: RUCIO_PYTHONPATH names no Rucio client source (its lib directory); the Python client's row is skipped");
        return figures;
      }
      Path script = work.resolve("rucio-register.py");
      Files.writeString(script, String.join("\n",
          "import os, sys, time",
          "from rucio.client import Client",
          "c = Client()",
          "n = int(sys.argv[1]); b = int(sys.argv[2])",
          "best = None",
          "for r in (1, 2, 3, 4, 5):",
          "    ds = 'bench.python%d' % r",
          "    c.add_dataset('user.taskwire', ds, rules=[{'account': 'taskwire', 'copies': 1, "
              + "'rse_expression': 'BENCH-SE', 'grouping': 'DATASET'}])",
          "    t0 = time.perf_counter()",
          "    for start in range(0, n, b):",
          "        dids = [{'scope': 'user.taskwire', 'name': '%s._%06d.1.out.root' % (ds, i), 'bytes': 1000000 + i, "
              + "'adler32': '0badc0de'} for i in range(start, min(n, start + b))]",
          "        c.attach_dids_to_dids([{'scope': 'user.taskwire', 'name': ds, 'rse': 'BENCH-SE', 'dids': dids}], "
              + "ignore_duplicate=True)",
          "    t = time.perf_counter() - t0",
          "    best = t if best is None else min(best, t)",
          "print(best)", ""));
      Path cfg = work.resolve("rucio.cfg");
      Files.writeString(cfg, "[client]\nrucio_host = " + url + "\nauth_host = " + url
          + "\nauth_type = userpass\nusername = taskwire\npassword = secret\naccount = taskwire\nrequest_retries = 1\n");
      ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", script.toString(), Integer.toString(files),
          Integer.toString(BATCH)).redirectErrorStream(true);
      Map<String, String> env = pb.environment();
      env.put("PYTHONPATH", lib);
      env.put("RUCIO_CONFIG", cfg.toString());
      env.put("RUCIO_HOME", work.toString());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes()).strip();
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        log.say("rucio: the Python client failed: %s", out);
        return figures;
      }
      double seconds = Double.parseDouble(out.lines().reduce((a, b) -> b).orElseThrow());
      if (client.files("user.taskwire", "bench.python1").size() != files) {
        throw new IllegalStateException("the Python client registered " + client.files("user.taskwire", "bench.python1").size()
            + " files, not " + files);
      }
      figures.add(Figure.of("rucio_register_files_python", files / seconds, "files/s", files,
          "Rucio's Python client, best of 5 (attach_dids_to_dids with rse, as PanDA's server), same files, batches and emulator"));
    } finally {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
    }
    return figures;
  }
}
