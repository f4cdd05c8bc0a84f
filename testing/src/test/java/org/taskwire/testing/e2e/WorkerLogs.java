package org.taskwire.testing.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The local workers' log files in a {@code taskwire.local.log-dir}, for tests that check what workers said. */
final class WorkerLogs {
  private WorkerLogs() {}

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> all = Files.list(dir)) {
      return all.filter(f -> f.toString().endsWith(".log")).toList();
    }
  }

  /** Everything the workers logged, concatenated. */
  static String read(Path dir) throws IOException {
    StringBuilder all = new StringBuilder();
    for (Path f : files(dir)) {
      all.append(Files.readString(f));
    }
    return all.toString();
  }

  /** Empties the logs, so a later {@link #read} sees only what came after. */
  static void clear(Path dir) throws IOException {
    for (Path f : files(dir)) {
      Files.writeString(f, "");
    }
  }
}
