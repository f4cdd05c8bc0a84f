package org.taskwire.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.taskwire.annotations.Walltime;
import org.taskwire.internal.backend.RunSandbox;
import org.taskwire.internal.config.ConfigKey;
import org.taskwire.internal.config.TaskwireConfig;
import org.taskwire.internal.journal.JournalRecord;
import org.taskwire.internal.journal.RecordedRun;
import org.taskwire.internal.journal.ResultCache;
import org.taskwire.internal.journal.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code taskwire gc}: removes old runs and sandboxes. */
@Command(name = "gc", mixinStandardHelpOptions = true, description = "Removes runs that are closed or failed (interrupted ones with --interrupted) with "
    + "their worker logs and the files they kept on this machine (their data directory, workers' scratch), results "
    + "shared across runs, and sandboxes no kept run uses, untouched for longer than --older-than. Files runs "
    + "published on storage elements stay unless --storage-elements; files registered in Rucio always stay.")
final class GcCommand implements Callable<Integer> {
  @Mixin Runs runs;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--older-than", paramLabel = "DURATION", defaultValue = "30d",
      description = "Age past which things go, e.g. 30d, 12h (default: ${DEFAULT-VALUE}).")
  String olderThan;

  @Option(names = "--dry-run", description = "Say what would go, remove nothing.")
  boolean dryRun;

  @Option(names = "--interrupted",
      description = "Also remove interrupted runs (their client died; they could still be resumed).")
  boolean interrupted;

  @Option(names = "--storage-elements",
      description = "Also delete the files removed runs kept on storage elements (over their WebDAV door), except those "
          + "registered in Rucio, whose rules decide.")
  boolean storageElements;

  /** One thing removed. */
  record Removed(String kind, String path, long bytes) {}

  @Override
  public Integer call() throws Exception {
    Instant before = Instant.now().minus(Walltime.parse(olderThan));
    List<Removed> removed = new ArrayList<>();
    Set<String> sandboxesInUse = new HashSet<>();
    Set<String> keptRuns = new HashSet<>();
    Path temp = Path.of(System.getProperty("java.io.tmpdir"));
    TaskwireConfig config = Runs.config(Map.of());
    int keptOnElements = 0;
    for (Path run : RunDirectory.list(runs.root())) {
      RunDirectory dir = RunDirectory.at(run);
      boolean open = dir.openBy().isPresent();
      RecordedRun recorded = readOrNull(dir);
      // An interrupted run can still be resumed: it goes only when asked.
      boolean interrupted = !open && recorded != null && recorded.closed() == null;
      boolean old = Files.getLastModifiedTime(dir.journal()).toInstant().isBefore(before);
      if (!open && old && (!interrupted || this.interrupted)) {
        String runId = run.getFileName().toString();
        for (Path data : runFiles(recorded, config, temp, runId)) {
          removed.add(remove("run files", data));
        }
        if (recorded != null) {
          List<JournalRecord.KeptFile> onElements = filesOnStorageElements(recorded);
          if (storageElements) {
            removed.addAll(deleteFromStorageElements(onElements));
          } else {
            keptOnElements += onElements.size();
          }
        }
        removed.add(remove("run", run));
        for (Path logs : workerLogs(temp, runId)) {
          removed.add(remove("worker logs", logs));
        }
      } else {
        keptRuns.add(run.getFileName().toString());
        if (recorded != null && recorded.start().sandbox() != null) {
          sandboxesInUse.add(recorded.start().sandbox());
        }
      }
    }
    ResultCache results = new ResultCache(config.path(ConfigKey.CACHE_DIR));
    for (ResultCache.Removed r : results.removeOlderThan(before, dryRun)) {
      removed.add(new Removed("cached result", r.file().toString(), r.bytes()));
    }
    Path sandboxes = RunSandbox.cacheDirectory(config);
    Set<String> protectedFiles = protectedSandboxFiles(sandboxes, sandboxesInUse);
    for (Path entry : sandboxEntries(sandboxes)) {
      String name = entry.getFileName().toString();
      if (!protectedFiles.contains(name) && Files.getLastModifiedTime(entry).toInstant().isBefore(before)) {
        removed.add(remove("sandbox", entry));
      }
    }
    // Worker logs of runs removed before, or whose run directory is gone.
    try (Stream<Path> all = Files.list(temp)) {
      for (Path logs : all.filter(p -> WORKER_LOGS.matcher(p.getFileName().toString()).matches()).toList()) {
        String prefix = logs.getFileName().toString().substring("taskwire-".length(), "taskwire-".length() + 8);
        boolean ofAKeptRun = keptRuns.stream().anyMatch(id -> id.startsWith(prefix));
        if (!ofAKeptRun && Files.getLastModifiedTime(logs).toInstant().isBefore(before)) {
          removed.add(remove("worker logs", logs));
        }
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    long bytes = removed.stream().mapToLong(Removed::bytes).sum();
    if (runs.json) {
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("dryRun", dryRun);
      answer.put("removed", removed);
      answer.put("bytes", bytes);
      answer.put("keptOnStorageElements", keptOnElements);
      out.println(TaskwireCli.JSON.writeValueAsString(answer));
    } else {
      removed.forEach(r -> out.printf("%s %s %s (%.1f MB)%n", dryRun ? "would remove" : "removed", r.kind(), r.path(),
          r.bytes() / 1e6));
      out.printf("%s %d item(s), %.1f MB older than %s%n", dryRun ? "would remove" : "removed", removed.size(),
          bytes / 1e6, olderThan);
      if (keptOnElements > 0) {
        out.printf("kept %d file(s) those runs published on storage elements; --storage-elements deletes them "
            + "(except files registered in Rucio)%n", keptOnElements);
      }
    }
    return 0;
  }

  /**
   * A removed run's own files on this machine: its directory under the data directory it kept files
   * in (recorded, else this user's {@code taskwire.data.url}), and the scratch and input
   * directories workers left for it in the temp directory.
   */
  private static List<Path> runFiles(RecordedRun recorded, TaskwireConfig config, Path temp, String runId) {
    Set<Path> dirs = new java.util.LinkedHashSet<>();
    String url = recorded != null && recorded.start().config() != null
        ? recorded.start().config().get(ConfigKey.DATA_URL.name()) : null;
    if (url == null) {
      dirs.add(config.path(ConfigKey.DATA_URL).resolve(runId));
    } else if (url.startsWith("file:")) {
      dirs.add(Path.of(java.net.URI.create(url)).resolve(runId));
    } else if (!url.contains("://")) {
      dirs.add((url.startsWith("~/") ? Path.of(System.getProperty("user.home"), url.substring(2)) : Path.of(url))
          .resolve(runId));
    }
    if (recorded != null) {
      for (RecordedRun.Call call : recorded.calls()) {
        if (call.success() != null && call.success().files() != null) {
          for (JournalRecord.KeptFile f : call.success().files()) {
            if (f.uri().startsWith("file:")) {
              String path = Path.of(java.net.URI.create(f.uri())).toString();
              int at = path.indexOf("/" + runId + "/");
              if (at >= 0) {
                dirs.add(Path.of(path.substring(0, at + runId.length() + 1)));
              }
            }
          }
        }
      }
    }
    dirs.add(temp.resolve("taskwire-data").resolve(runId));
    dirs.add(temp.resolve("taskwire-data").resolve("inputs").resolve(runId));
    return dirs.stream().filter(Files::isDirectory).toList();
  }

  /** The files a run kept on storage elements that it did not register in Rucio, each once. */
  private static List<JournalRecord.KeptFile> filesOnStorageElements(RecordedRun recorded) {
    Set<String> registeredWorks = new HashSet<>();
    recorded.datasets().forEach(d -> registeredWorks.add(d.work()));
    Map<String, JournalRecord.KeptFile> files = new LinkedHashMap<>();
    for (RecordedRun.Call call : recorded.calls()) {
      if (call.success() != null && call.success().files() != null && !registeredWorks.contains(shortWork(call.declared().work()))) {
        for (JournalRecord.KeptFile f : call.success().files()) {
          if (f.uri().startsWith("http://") || f.uri().startsWith("https://")) {
            files.putIfAbsent(f.uri(), f);
          }
        }
      }
    }
    return List.copyOf(files.values());
  }

  private List<Removed> deleteFromStorageElements(List<JournalRecord.KeptFile> files) throws IOException {
    List<Removed> out = new ArrayList<>();
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
        .connectTimeout(java.time.Duration.ofSeconds(10)).build();
    for (JournalRecord.KeptFile f : files) {
      if (!dryRun) {
        try {
          int code = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(f.uri())).DELETE()
              .timeout(java.time.Duration.ofSeconds(60)).build(), java.net.http.HttpResponse.BodyHandlers.discarding())
              .statusCode();
          if (code >= 300 && code != 404) {
            spec.commandLine().getErr().printf("could not delete %s: the storage element answered %d%n", f.uri(), code);
            continue;
          }
        } catch (IOException e) {
          spec.commandLine().getErr().printf("could not delete %s: %s%n", f.uri(), e.getMessage());
          continue;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
      }
      out.add(new Removed("file on a storage element", f.uri(), f.size()));
    }
    return out;
  }

  private static String shortWork(String workId) {
    return workId.substring(workId.indexOf('#') + 1);
  }

  /** A local run's worker-log folder: {@code taskwire-<first 8 of the run id>-<random>} in the temp directory. */
  private static final java.util.regex.Pattern WORKER_LOGS = java.util.regex.Pattern.compile("taskwire-[0-9a-f]{8}-.+");

  private static List<Path> workerLogs(Path temp, String runId) throws IOException {
    String prefix = "taskwire-" + runId.substring(0, Math.min(8, runId.length())) + "-";
    try (Stream<Path> all = Files.list(temp)) {
      return all.filter(p -> p.getFileName().toString().startsWith(prefix) && Files.isDirectory(p)).toList();
    }
  }

  private static RecordedRun readOrNull(RunDirectory dir) {
    try {
      return RecordedRun.read(dir.journal(), false);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * What a kept run's sandbox is made of, by file name: its {@code built-<key>} record, the
   * tarball that names, and that tarball's extracted copy.
   */
  private static Set<String> protectedSandboxFiles(Path sandboxes, Set<String> keys) throws IOException {
    Set<String> names = new HashSet<>(Set.of("file-hashes.tsv", "extracted"));
    for (String key : keys) {
      Path built = sandboxes.resolve("built-" + key);
      names.add(built.getFileName().toString());
      if (Files.isRegularFile(built)) {
        String tarball = Files.readString(built).trim();
        names.add(tarball);
        names.add(tarball.replaceFirst("^sources\\.", "").replaceFirst("\\.tar\\.gz$", ""));
      }
    }
    return names;
  }

  /** The sandbox cache's entries, one level into {@code extracted/}, where each sandbox is its own. */
  private static List<Path> sandboxEntries(Path sandboxes) throws IOException {
    List<Path> entries = new ArrayList<>();
    if (!Files.isDirectory(sandboxes)) {
      return entries;
    }
    try (Stream<Path> all = Files.list(sandboxes)) {
      entries.addAll(all.toList());
    }
    Path extracted = sandboxes.resolve("extracted");
    if (Files.isDirectory(extracted)) {
      try (Stream<Path> all = Files.list(extracted)) {
        entries.addAll(all.toList());
      }
    }
    return entries;
  }

  private Removed remove(String kind, Path path) throws IOException {
    long bytes = 0;
    List<Path> all;
    try (Stream<Path> walk = Files.walk(path)) {
      all = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : all) {
      if (Files.isRegularFile(p)) {
        bytes += Files.size(p);
      }
    }
    if (!dryRun) {
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    }
    return new Removed(kind, path.toString(), bytes);
  }
}
