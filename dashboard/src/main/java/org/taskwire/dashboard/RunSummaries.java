package org.taskwire.dashboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.taskwire.internal.journal.RunDirectory;
import org.taskwire.internal.journal.RunView;

/**
 * The runs page's lines. A run no page follows is read once, its summary kept (here, and beside
 * its journal: {@link RunView#summary(RunDirectory)}) and its journal let go, and read again only
 * when the journal changes; a running run is followed line by line
 * (a {@link RunFeed}), since its state can change without a line. So a runs directory of hundreds
 * of large runs (benchmarks of a million calls each) costs a summary apiece, not their journals.
 */
final class RunSummaries {
  /** A run's summary, as of its journal's size and time. */
  private record Line(long size, FileTime modified, RunView.Summary summary, String error) {}

  private final Map<Path, Line> lines = new HashMap<>();

  /**
   * One line per run, newest first, as {@code taskwire runs --json} prints them, with any reading error.
   *
   * @param followed the feed of a run a page follows, or of a running run; made on demand
   */
  synchronized List<Map<String, Object>> list(Path runs, Map<Path, RunFeed> followed, Function<Path, RunFeed> follow) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Path dir : RunDirectory.list(runs)) {
      RunFeed feed = followed.get(dir);
      if (feed == null) {
        Line line = line(dir);
        if (line.summary() == null || !"running".equals(line.summary().state())) {
          out.add(row(dir, line.summary(), line.error()));
          continue;
        }
        feed = follow.apply(dir);
      }
      feed.refresh();
      out.add(row(dir, feed.view() == null ? null : feed.view().summary(), feed.error()));
    }
    return out;
  }

  private Line line(Path dir) {
    RunDirectory run = RunDirectory.at(dir);
    long size;
    FileTime modified;
    try {
      size = Files.size(run.journal());
      modified = Files.getLastModifiedTime(run.journal());
    } catch (IOException e) {
      return new Line(-1, null, null, "cannot read " + run.journal() + ": " + e.getMessage());
    }
    Line known = lines.get(dir);
    if (known != null && known.size() == size && modified.equals(known.modified())) {
      return known;
    }
    Line read;
    try {
      read = new Line(size, modified, RunView.summary(run), null);
    } catch (RuntimeException e) {
      read = new Line(size, modified, null, e.getMessage());
    }
    lines.put(dir, read);
    return read;
  }

  private static Map<String, Object> row(Path dir, RunView.Summary summary, String error) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("runId", dir.getFileName().toString());
    if (summary != null) {
      row.put("summary", summary);
    }
    row.put("error", error);
    return row;
  }
}
