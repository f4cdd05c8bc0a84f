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
import org.taskwire.internal.journal.RecordedRun;
import org.taskwire.internal.journal.ResultCache;
import org.taskwire.internal.journal.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code taskwire gc}: removes old runs and sandboxes. */
@Command(name = "gc", mixinStandardHelpOptions = true, description = "Removes runs that are closed or failed (interrupted ones with --interrupted) with "
    + "their worker logs, results shared across runs, and sandboxes no kept run uses, untouched for longer than "
    + "--older-than.")
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

  /** One thing removed. */
  record Removed(String kind, String path, long bytes) {}

  @Override
  public Integer call() throws Exception {
    Instant before = Instant.now().minus(Walltime.parse(olderThan));
    List<Removed> removed = new ArrayList<>();
    Set<String> sandboxesInUse = new HashSet<>();
    Set<String> keptRuns = new HashSet<>();
    Path temp = Path.of(System.getProperty("java.io.tmpdir"));
    for (Path run : RunDirectory.list(runs.root())) {
      RunDirectory dir = RunDirectory.at(run);
      boolean open = dir.openBy().isPresent();
      RecordedRun recorded = readOrNull(dir);
      // An interrupted run can still be resumed: it goes only when asked.
      boolean interrupted = !open && recorded != null && recorded.closed() == null;
      boolean old = Files.getLastModifiedTime(dir.journal()).toInstant().isBefore(before);
      if (!open && old && (!interrupted || this.interrupted)) {
        removed.add(remove("run", run));
        for (Path logs : workerLogs(temp, run.getFileName().toString())) {
          removed.add(remove("worker logs", logs));
        }
      } else {
        keptRuns.add(run.getFileName().toString());
        if (recorded != null && recorded.start().sandbox() != null) {
          sandboxesInUse.add(recorded.start().sandbox());
        }
      }
    }
    TaskwireConfig config = Runs.config(Map.of());
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
      out.println(TaskwireCli.JSON.writeValueAsString(answer));
    } else {
      removed.forEach(r -> out.printf("%s %s %s (%.1f MB)%n", dryRun ? "would remove" : "removed", r.kind(), r.path(),
          r.bytes() / 1e6));
      out.printf("%s %d item(s), %.1f MB older than %s%n", dryRun ? "would remove" : "removed", removed.size(),
          bytes / 1e6, olderThan);
    }
    return 0;
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
      return RecordedRun.read(dir.journal());
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
