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
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.taskwire.annotations.Walltime;
import org.taskwire.internal.backend.RunSandbox;
import org.taskwire.internal.config.ConfigKey;
import org.taskwire.internal.config.TaskwireConfig;
import org.taskwire.internal.journal.ResultCache;
import org.taskwire.internal.journal.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code taskwire gc}: removes old runs and sandboxes. */
@Command(name = "gc", mixinStandardHelpOptions = true, description = "Removes runs (not running), results shared across runs and built sandboxes "
    + "untouched for longer than --older-than.")
final class GcCommand implements Callable<Integer> {
  @Mixin Runs runs;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--older-than", paramLabel = "DURATION", defaultValue = "30d",
      description = "Age past which things go, e.g. 30d, 12h (default: ${DEFAULT-VALUE}).")
  String olderThan;

  @Option(names = "--dry-run", description = "Say what would go, remove nothing.")
  boolean dryRun;

  /** One thing removed. */
  record Removed(String kind, String path, long bytes) {}

  @Override
  public Integer call() throws Exception {
    Instant before = Instant.now().minus(Walltime.parse(olderThan));
    List<Removed> removed = new ArrayList<>();
    for (Path run : RunDirectory.list(runs.root())) {
      if (RunDirectory.at(run).openBy().isEmpty() && Files.getLastModifiedTime(run.resolve("journal.jsonl"))
          .toInstant().isBefore(before)) {
        removed.add(remove("run", run));
      }
    }
    TaskwireConfig config = Runs.config(Map.of());
    ResultCache results = new ResultCache(config.path(ConfigKey.CACHE_DIR));
    for (ResultCache.Removed r : results.removeOlderThan(before, dryRun)) {
      removed.add(new Removed("cached result", r.file().toString(), r.bytes()));
    }
    Path sandboxes = RunSandbox.cacheDirectory(config);
    if (Files.isDirectory(sandboxes)) {
      try (Stream<Path> all = Files.list(sandboxes)) {
        for (Path entry : all.toList()) {
          // The file-hash memo is shared by every build; it holds no sandbox.
          if (!entry.getFileName().toString().equals("file-hashes.tsv")
              && Files.getLastModifiedTime(entry).toInstant().isBefore(before)) {
            removed.add(remove("sandbox", entry));
          }
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
