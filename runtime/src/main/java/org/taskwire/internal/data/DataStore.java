package org.taskwire.internal.data;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a run's files are kept: a directory every worker sees (the client's machine for local
 * workers, the shared file system for Slurm), one directory per run inside it, one per call inside
 * that ({@code <root>/<run>/<work>/<call id>.<attempt>/}), so that no retry or other call
 * can overwrite a file.
 *
 * @param root the directory, absolute
 */
public record DataStore(Path root) {
  /** The variable that tells a worker where the run's files are kept. */
  public static final String ENVIRONMENT = "TASKWIRE_DATA_URL";

  public DataStore {
    root = root.toAbsolutePath().normalize();
  }

  /**
   * The store a {@code taskwire.data.url} value names: a path, or a {@code file:} URL.
   *
   * @throws IllegalArgumentException for another scheme, naming what is supported
   */
  public static DataStore at(String url) {
    String value = url.strip();
    if (value.isEmpty()) {
      throw new IllegalArgumentException("taskwire.data.url is empty: give a directory every worker sees");
    }
    if (value.startsWith("file:")) {
      return new DataStore(Path.of(URI.create(value)));
    }
    int colon = value.indexOf("://");
    if (colon > 0) {
      throw new IllegalArgumentException("taskwire.data.url = '" + value + "': " + value.substring(0, colon)
          + ":// storage is not supported yet; give a directory every worker sees (a path or a file: URL)");
    }
    return new DataStore(Path.of(value));
  }

  /** The store a worker's environment names, or null when it names none. */
  public static DataStore fromEnvironment(Map<String, String> environment) {
    String url = environment.get(ENVIRONMENT);
    return url == null || url.isBlank() ? null : at(url);
  }

  /** What a worker's environment holds to reach this store. */
  public Map<String, String> environment() {
    return Map.of(ENVIRONMENT, root.toUri().toString());
  }

  /** The directory of one attempt of one call. */
  public Path callDirectory(String runId, String workName, long callId, int attempt) {
    return root.resolve(runId).resolve(workName).resolve(callId + "." + attempt);
  }
}
