package org.taskwire.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.taskwire.DataFile;
import org.taskwire.internal.data.CallFiles;
import org.taskwire.internal.data.DataStore;
import org.taskwire.testing.xrootd.XrootdStorage;

/**
 * Files between steps: what keeping the files a call returns (stage-out) and fetching the files a
 * call takes (stage-in) cost, as one large file and as many 1 MB files, in a run directory and on
 * the XRootD storage element's HTTP door, beside {@code cp} and XRootD's own {@code xrdcp} on the
 * same files in the same run. Stage-out is {@link CallFiles#record} (checksum, upload, the
 * element's checksum compared); stage-in is {@link CallFiles#checkInputs} (download or in-place
 * read, checksum compared): the paths a worker takes, timed without the work itself.
 */
final class StagingScenarios {
  private StagingScenarios() {}

  /** The files of one measurement: their number and each one's size. */
  private record Shape(String label, int files, long bytes) {
    long total() {
      return files * bytes;
    }
  }

  /** The files a call takes, as a work's argument record would hold them. */
  record Inputs(List<DataFile> files) {}

  static List<Figure> run(Plan plan, Path work, Harness.Log log) throws Exception {
    List<Shape> shapes = plan.quick()
        ? List.of(new Shape("1x8m", 1, 8L << 20), new Shape("20x1m", 20, 1L << 20))
        : List.of(new Shape("1x1g", 1, 1L << 30), new Shape("1000x1m", 1_000, 1L << 20));
    List<Figure> figures = new ArrayList<>();
    Path root = Files.createDirectories(work.resolve("staging"));
    boolean element = XrootdStorage.answersOrStarts() && onPath("xrdcp");
    if (!element) {
      log.say("staging: no XRootD storage element or xrdcp here; measuring the run directory only");
    }
    int repeats = plan.quick() ? 1 : 3;
    for (Shape shape : shapes) {
      Path source = Files.createDirectories(root.resolve("source-" + shape.label()));
      List<Path> files = write(source, shape);
      log.say("staging %s: %d files of %,d bytes, best of %d", shape.label(), shape.files(), shape.bytes(), repeats);
      java.util.Map<String, Long> best = new java.util.LinkedHashMap<>();
      java.util.Map<String, String> notes = new java.util.LinkedHashMap<>();
      for (int r = 0; r < repeats; r++) {
        DataStore directory = new DataStore.Directory(root.resolve("kept"));
        fastest(best, notes, "staging_dir_out_", keep(directory, files),
            "Taskwire keeping the files a call wrote in the run directory (written in place: their adler32)");
        List<DataFile> kept = lastUploaded;
        Path copies = root.resolve("cp-" + shape.label());
        fastest(best, notes, "cp_", time(() -> sh("cp", "-r", source.toString(), copies.toString())),
            "cp -r of the same files on the same disk");
        fastest(best, notes, "staging_dir_in_", fetch(kept),
            "Taskwire making the files readable for the next call: in place, size and adler32 checked");
        deleteTree(root.resolve("kept"));
        deleteTree(copies);
        if (element) {
          DataStore door = DataStore.at(XrootdStorage.HTTP_DOOR + "benchmarks/");
          fastest(best, notes, "staging_se_out_", keep(door, files),
              "Taskwire uploading the files over the element's WebDAV door, the element's adler32 compared");
          List<DataFile> uploaded = lastUploaded;
          fastest(best, notes, "staging_se_in_", fetch(uploaded),
              "Taskwire fetching them into the call's directory, size and adler32 checked");
          String directoryName = "benchmarks/xrdcp-" + UUID.randomUUID();
          String remote = XrootdStorage.ROOT_DOOR + directoryName + "/";
          String server = XrootdStorage.ROOT_DOOR.substring(0, XrootdStorage.ROOT_DOOR.indexOf("//", 7));
          sh("xrdfs", server, "mkdir", "-p", XrootdStorage.ROOT_DOOR.substring(server.length() + 1) + directoryName);
          fastest(best, notes, "xrdcp_out_", time(() -> sh("xrdcp", "-s", "-f", "-r", source.toString() + "/", remote)),
              "xrdcp -r of the same files to the element over root://, no checksum");
          Path back = Files.createDirectories(root.resolve("xrdcp-back-" + shape.label()));
          fastest(best, notes, "xrdcp_in_", time(() -> sh("xrdcp", "-s", "-f", "-r", remote, back.toString() + "/")),
              "xrdcp -r of them back from the element over root://, no checksum");
          deleteTree(back);
          // The element keeps what it was sent: take it away, through its own door.
          for (DataFile f : uploaded) {
            delete(f.uri());
          }
          for (Path f : files) {
            delete(XrootdStorage.HTTP_DOOR + directoryName + "/" + source.getFileName() + "/" + f.getFileName());
          }
        }
      }
      best.forEach((name, nanos) -> figures.add(throughput(name + shape.label(), shape, nanos, notes.get(name))));
      deleteTree(source);
    }
    figures.add(perFileOverhead(root, plan.quick() ? 50 : 1_000, log));
    deleteTree(root);
    return figures;
  }

  private static List<DataFile> lastUploaded;

  private static void fastest(java.util.Map<String, Long> best, java.util.Map<String, String> notes, String name,
      long nanos, String note) {
    best.merge(name, nanos, Math::min);
    notes.put(name, note);
  }

  /**
   * Nanoseconds to keep the files as one call's returned files: the call's writing (a copy of each
   * into its place) is not timed, its record is.
   */
  private static long keep(DataStore store, List<Path> written) throws Exception {
    String run = UUID.randomUUID().toString();
    CallFiles call = CallFiles.of(store, run, "bench", 1, 1);
    List<DataFile> created = new ArrayList<>();
    try {
      call.run(() -> {
        for (Path f : written) {
          DataFile file = DataFile.create(f.getFileName().toString());
          Files.createDirectories(file.path().getParent());
          Files.copy(f, file.path());
          created.add(file);
        }
        return null;
      });
    } catch (Exception | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
    long t0 = System.nanoTime();
    @SuppressWarnings("unchecked")
    List<DataFile> recorded = (List<DataFile>) call.record(created);
    long took = System.nanoTime() - t0;
    lastUploaded = recorded;
    call.close();
    return took;
  }

  /** Nanoseconds for one call to make the files readable, as a work's arguments. */
  private static long fetch(List<DataFile> files) {
    CallFiles call = CallFiles.of(null, UUID.randomUUID().toString(), "bench", 2, 1);
    long t0 = System.nanoTime();
    call.checkInputs(new Inputs(files));
    long took = System.nanoTime() - t0;
    call.close();
    return took;
  }

  /**
   * staging_per_file: what a small file costs beyond its bytes on local workers' run directory, kept
   * and then checked for the next call, per file.
   */
  private static Figure perFileOverhead(Path root, int count, Harness.Log log) throws Exception {
    log.say("staging_per_file: %d files of 1 KB kept and checked", count);
    Path dir = Files.createDirectories(root.resolve("small"));
    List<Path> files = write(dir, new Shape("small", count, 1024));
    DataStore store = new DataStore.Directory(root.resolve("small-kept"));
    long out = keep(store, files);
    long in = fetch(lastUploaded);
    return Figure.of("staging_per_file", (out + in) / 1e6 / count, "ms", count,
        "one 1 KB file kept (adler32) and checked for the next call (size, adler32), per file, run directory");
  }

  private static List<Path> write(Path dir, Shape shape) throws IOException {
    Random random = new Random(42);
    byte[] block = new byte[1 << 20];
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < shape.files(); i++) {
      Path f = dir.resolve(String.format("f%05d.dat", i));
      try (OutputStream out = Files.newOutputStream(f)) {
        for (long left = shape.bytes(); left > 0; ) {
          random.nextBytes(block);
          int n = (int) Math.min(block.length, left);
          out.write(block, 0, n);
          left -= n;
        }
      }
      files.add(f);
    }
    return files;
  }

  private interface Step {
    void run() throws Exception;
  }

  private static long time(Step step) throws Exception {
    long t0 = System.nanoTime();
    step.run();
    return System.nanoTime() - t0;
  }

  private static Figure throughput(String name, Shape shape, long nanos, String note) {
    return Figure.of(name, shape.total() / 1e6 / (nanos / 1e9), "MB/s", shape.files(), note);
  }

  private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

  private static void delete(String url) throws IOException, InterruptedException {
    HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).DELETE().build(),
        java.net.http.HttpResponse.BodyHandlers.discarding());
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  private static void sh(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    LocalScenarios.check(p.waitFor(30, TimeUnit.MINUTES) && p.exitValue() == 0,
        String.join(" ", command) + " failed: " + out);
  }

  private static void deleteTree(Path tree) throws IOException {
    if (!Files.exists(tree)) {
      return;
    }
    try (var walk = Files.walk(tree)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
